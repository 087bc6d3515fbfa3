"""--jobs with a slow reader: the peak memory of the main process while a reader takes each line slowly.
Memory must stay flat (issue 21). Not a test.

    python benchmarks/jobs_memory.py [LINES]      (default 100000)
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.ndjson"
        with path.open("w") as f:
            for i in range(n):
                f.write(json.dumps({"id": f"P{i}", "line": 1 + i % 3, "histology": ["uterine", "extremity"][i % 2]}) + "\n")
        for jobs in ("1", "2"):
            proc = subprocess.Popen([sys.executable, "-m", "lmsrx", "options", "--batch", str(path), "--jobs", jobs],
                                    stdout=subprocess.PIPE)
            peak, read, started = 0, 0, time.perf_counter()
            for _ in proc.stdout:  # a slow reader: a pause every 100 lines
                read += 1
                if read % 100 == 0:
                    time.sleep(0.001)
                    peak = max(peak, _rss(proc.pid))
            proc.wait()
            print(f"--jobs {jobs}: {read} lines, peak RSS of the main process {peak / 1024:.0f} MB, "
                  f"{time.perf_counter() - started:.1f} s")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


if __name__ == "__main__":
    main()
