"""Build the knowledge artefact: validate the built-in YAML once and write it as ``lmsrx/_built/kb.pickle``.

``python -m lmsrx.build [PATH] [--encoded]``: run by the wheel's build hook (``hatch_build.py``) and, in a checkout,
after editing ``knowledge/``. A wheel's artefact is written ``--encoded``: it also carries each regimen's unchanging
parts of an options answer, already encoded (:func:`lmsrx.output.options.prefill`), since a wheel's code and
knowledge are frozen together. A checkout's artefact carries the validated base only: its code changes under it,
and encoded parts would go stale with the code that wrote them. Reading the artefact back is
:func:`lmsrx.knowledge.load.load`'s business."""
from __future__ import annotations

import sys

from lmsrx.knowledge import artefact, names
from lmsrx.knowledge.files import builtin_stamp
from lmsrx.knowledge.load import load

def build(path: str = artefact.PATH, encoded: bool = False) -> str:
    """Validate the built-in YAML and write the artefact (with the encoded parts when ``encoded``); the path written."""
    fresh = load(compiled=False)
    completion = names.table(fresh)
    fresh.cache.clear()  # what a call derives, it derives again: only the encoded parts are kept
    if encoded:
        from lmsrx.output.options import ENCODED, prefill

        prefill(fresh)
        kept = {key: value for key, value in fresh.cache.items() if isinstance(key, tuple) and key[0] in ENCODED}
        fresh.cache.clear()
        fresh.cache.update(kept)
    return artefact.write(fresh, builtin_stamp(), completion, path)


if __name__ == "__main__":  # pragma: no cover - the build step
    args = sys.argv[1:]
    print(f"wrote {build(next((a for a in args if a != '--encoded'), artefact.PATH), '--encoded' in args)}")
