"""Batch benchmark: patients per second for `lmsrx options --batch` (full NDJSON, --compact, --jobs 2),
with the peak memory of that run (of the main process: --jobs workers are not counted), for a plain and a
diverse synthetic cohort. Not a test.

    python benchmarks/batch.py [N ...]      (default: 1000 10000)
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cohort(n: int, path: Path, diverse: bool = False) -> None:
    """Synthetic patients. The plain cohort has 180 distinct combinations of facts; the diverse one adds age,
    size, grade, depth, setting and conditions, so that few patients share every fact a regimen reads."""
    rng = random.Random(1)
    sites = ["uterine", "extremity", "trunk", "retroperitoneal", "other"]
    with path.open("w") as f:
        for i in range(n):
            d = {"id": f"P{i}", "line": rng.randint(1, 3), "histology": rng.choice(sites)}
            if rng.random() < 0.5:
                d["prior"] = rng.choice([["doxorubicin"], ["gemcitabine"]])
            if rng.random() < 0.3:
                d["biomarkers"] = [rng.choice(["er-positive", "msi-h", "mss"])]
            if diverse:
                d["age"] = rng.randint(18, 90)
                d["size_cm"] = round(rng.uniform(0.5, 30), 1)
                d["grade"] = rng.choice(["low", "intermediate", "high"])
                d["depth"] = rng.choice(["deep", "superficial"])
                if rng.random() < 0.3:
                    del d["line"]
                    d["setting"] = rng.choice(["adjuvant", "neoadjuvant"])
                if rng.random() < 0.2:
                    d["conditions"] = [rng.choice(["cardiac", "hepatic", "renal"])]
            f.write(json.dumps(d) + "\n")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    with tempfile.TemporaryDirectory() as tmp:
        for diverse in (False, True):
            for n in sizes:
                path = Path(tmp) / f"c{n}{'d' if diverse else ''}.ndjson"
                cohort(n, path, diverse)
                kind = "diverse" if diverse else "plain"
                for label, extra in (("full ndjson", []), ("--compact", ["--compact"]), ("--jobs 2", ["--jobs", "2"]),
                                     ("--compact --jobs 2", ["--compact", "--jobs", "2"])):
                    t = time.perf_counter()
                    done = subprocess.Popen(base + ["options", "--batch", str(path), *extra], stdout=subprocess.DEVNULL)
                    _, status, usage = os.wait4(done.pid, 0)
                    s = time.perf_counter() - t
                    print(f"{n:>7} {kind:7} patients  {label:20} {n / s:8.0f} patients/s  "
                          f"peak RSS {usage.ru_maxrss / 1024:5.0f} MB")


if __name__ == "__main__":
    main()
