"""Knowledge-base scaling benchmark: `lmsrx options` with the built-in base alone (1x) and with 10x and
50x its records added through `--kb` (validated on every call: there is no cache of `--kb` files). Not a test.

    python benchmarks/kb_scale.py [N]

The extra records are copies of the built-in files with every id, brand and alias given a suffix
(`-c7`), so they validate like the originals.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("drugs", "evidence", "regimens", "references", "classes", "rules")


def copies(factor: int, folder: Path) -> int:
    """Write factor - 1 renamed copies of the built-in records into folder; the number of records added."""
    sys.path.insert(0, str(ROOT))
    from lmsrx.knowledge import load as loader

    base = loader.load()
    words = {rid for kind in KINDS for rid in getattr(base, kind)}
    for drug in base.drugs.values():
        words.update((drug.name, *drug.brands, *drug.aliases))
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w-])")
    added = 0
    for k in range(1, factor):
        for kind in KINDS:
            text = (ROOT / "knowledge" / f"{kind}.yaml").read_text(encoding="utf-8")
            (folder / f"{kind}-c{k}.yaml").write_text(pattern.sub(lambda m: f"{m.group(1)}-c{k}", text), encoding="utf-8")
        added += sum(len(getattr(base, kind)) for kind in KINDS)
    return added


LOWEST: dict = {}  # each call's fastest run, printed beside its median


def _time(cmd: list, n: int, env: dict) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        times.append((time.perf_counter() - t) * 1000)
    LOWEST[tuple(cmd)] = min(times)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    queries = {"options": ["options", "--line", "2", "--histology", "uterine", "--format", "json"],
               "kb info": ["kb", "info", "--format", "json"]}  # options answers grow with the base; kb info's do not
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: with bytecode
    one = {name: _time(base + q, n, env) for name, q in queries.items()}
    for name, ms in one.items():
        print(f"{f'{name}, 1x (built-in artefact)':52} {ms:8.1f} ms  (min {LOWEST[tuple(base + queries[name])]:.1f})")
    for factor in (10, 50):  # at most 500 files may be given (6 a copy)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "kb"
            folder.mkdir()
            added = copies(factor, folder)
            for name, q in queries.items():
                cmd = base + ["--kb", str(folder)] + q
                ms = _time(cmd, max(1, n // 2), env)  # --kb files are validated on every call
                print(f"{f'{name}, {factor}x (+{added} records), validated':52} {ms:8.1f} ms  {ms / one[name]:5.1f}x 1x")


if __name__ == "__main__":
    main()
