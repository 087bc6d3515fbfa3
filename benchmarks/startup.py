"""Start-up benchmark: how long the lmsrx process takes for common calls (median of N runs).

    python benchmarks/startup.py [N]

Not a test: numbers depend on the machine. Compare before and after a change.
"""
import os
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
COMPLETIONS = ["lmsrx drug ifo", "lmsrx options --prior dox"]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    bare = _time([sys.executable, "-c", "pass"], n)
    print(f"{'python -c pass':62} {bare:7.1f} ms")
    for args in CALLS:
        ms = _time(base + args, n)
        print(f"{'lmsrx ' + ' '.join(args):62} {ms:7.1f} ms  {ms / bare:5.1f}x")
    for words in COMPLETIONS:  # bash asking for completions, as `eval "$(lmsrx --show-completion bash)"` sets up
        env = {**os.environ, "_LMSRX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(words.count(" "))}
        ms = _time(base, n, env)
        print(f"{'completion: ' + words + '<TAB>':62} {ms:7.1f} ms  {ms / bare:5.1f}x")


def _time(cmd: list, n: int, env: dict | None = None) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
