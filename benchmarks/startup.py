"""Start-up benchmark: how long the lmsrx process takes for common calls (median of N runs).

    python benchmarks/startup.py [N]

Not a test: numbers depend on the machine. Compare before and after a change.
"""
import shutil
import statistics
import subprocess
import sys
import time

CALLS = [
    ["--help"],
    ["--version"],
    ["kb", "info", "--format", "json"],
    ["options", "--line", "2", "--histology", "uterine", "--format", "json"],
    ["options", "--line", "2", "--histology", "uterine", "--format", "table", "--color", "never"],
    ["drug", "ifosfamide", "--format", "json"],
    ["dose", "ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle", "--format", "json"],
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    bare = _time([sys.executable, "-c", "pass"], n)
    print(f"{'python -c pass':62} {bare:7.1f} ms")
    for args in CALLS:
        ms = _time(base + args, n)
        print(f"{'lmsrx ' + ' '.join(args):62} {ms:7.1f} ms  {ms / bare:5.1f}x")


def _time(cmd: list, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
