"""Golden files: exact expected output. Regenerate with LMSRX_REGEN_GOLDEN=1 and review the diff."""
import os
import pathlib

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LMSRX_REGEN_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs; if intended, regenerate with LMSRX_REGEN_GOLDEN=1 and review git diff"
