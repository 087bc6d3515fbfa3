"""Build the knowledge artefact: validate the built-in YAML once and write it as ``lmsrx/_built/kb.pickle``.

Run by the wheel's build hook (``hatch_build.py``) and, in a checkout, by ``python -m lmsrx.knowledge.build``
after editing ``knowledge/``. Reading the artefact back is :func:`lmsrx.knowledge.load.load`'s business."""
from __future__ import annotations

import sys

from lmsrx.knowledge import artefact, names
from lmsrx.knowledge.files import builtin_stamp
from lmsrx.knowledge.load import load


def build(path: str = artefact.PATH) -> str:
    """Validate the built-in YAML and write the artefact; the path written."""
    fresh = load(compiled=False)
    fresh.cache.clear()
    return artefact.write(fresh, builtin_stamp(), names.table(fresh), path)


if __name__ == "__main__":  # pragma: no cover - the build step
    print(f"wrote {build(sys.argv[1] if len(sys.argv) > 1 else artefact.PATH)}")
