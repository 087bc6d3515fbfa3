"""Knowledge-base scaling benchmark: `lmsrx options` with the built-in base alone (1x) and with 10x and
100x its records added through `--kb`, first run (validated from YAML) and then from the user's cache.
Not a test.

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
KINDS = ("drugs", "evidence", "regimens", "references")


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
    LOWEST[tuple(cmd), env.get("LMSRX_CACHE_DIR")] = min(times)
    return statistics.median(times)


def _min(cmd: list, env: dict) -> str:
    return f"(min {LOWEST[tuple(cmd), env.get('LMSRX_CACHE_DIR')]:.1f})"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    queries = {"options": ["options", "--line", "2", "--histology", "uterine", "--format", "json"],
               "kb info": ["kb", "info", "--format", "json"]}  # options answers grow with the base; kb info's do not
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: with bytecode
    bare = _time([sys.executable, "-c", "pass"], n, env)
    print(f"{'python -c pass':52} {bare:8.1f} ms (median of {n}) {_min([sys.executable, '-c', 'pass'], env)}")
    one = {name: _time(base + q, n, env) for name, q in queries.items()}
    for name, ms in one.items():
        print(f"{f'{name}, 1x (built-in, compiled)':52} {ms:8.1f} ms  {ms / bare:5.1f}x pass  {_min(base + queries[name], env)}")
    for factor in (10, 100):
        with tempfile.TemporaryDirectory() as tmp:
            folder, cache = Path(tmp) / "kb", Path(tmp) / "cache"
            folder.mkdir()
            added = copies(factor, folder)
            for name, q in queries.items():
                cmd = base + ["--kb", str(folder)] + q
                validated = _time(cmd, max(1, n // 2), {**env, "LMSRX_CACHE_DIR": ""})
                cached_env = {**env, "LMSRX_CACHE_DIR": str(cache)}
                subprocess.run(cmd, capture_output=True, env=cached_env, check=True)  # fills the cache
                cached = _time(cmd, n, cached_env)
                print(f"{f'{name}, {factor}x (+{added} records), validated':52} {validated:8.1f} ms  {validated / one[name]:5.1f}x 1x")
                print(f"{f'{name}, {factor}x, from the cache':52} {cached:8.1f} ms  {cached / one[name]:5.1f}x 1x  "
                      f"{_min(cmd, cached_env)}  goal <= 2x at 100x")


if __name__ == "__main__":
    main()
