"""Batch benchmark: patients per second for `lmsrx options --batch` (full NDJSON, --compact, --jobs 2),
with peak memory. Not a test.

    python benchmarks/batch.py [N ...]      (default: 1000 10000)
"""
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cohort(n: int, path: Path) -> None:
    rng = random.Random(1)
    sites = ["uterine", "extremity", "trunk", "retroperitoneal", "other"]
    with path.open("w") as f:
        for i in range(n):
            d = {"id": f"P{i}", "line": rng.randint(1, 3), "histology": rng.choice(sites)}
            if rng.random() < 0.5:
                d["prior"] = rng.choice([["doxorubicin"], ["gemcitabine"]])
            if rng.random() < 0.3:
                d["biomarkers"] = [rng.choice(["er-positive", "msi-h", "mss"])]
            f.write(json.dumps(d) + "\n")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"c{n}.ndjson"
            cohort(n, path)
            for label, extra in (("full ndjson", []), ("--compact", ["--compact"]), ("--jobs 2", ["--jobs", "2"]),
                                 ("--compact --jobs 2", ["--compact", "--jobs", "2"])):
                t = time.perf_counter()
                subprocess.run(base + ["options", "--batch", str(path), *extra], stdout=subprocess.DEVNULL)
                s = time.perf_counter() - t
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(f"{n:>7} patients  {label:20} {n / s:8.0f} patients/s  (peak RSS so far {peak:.0f} MB)")


if __name__ == "__main__":
    main()
