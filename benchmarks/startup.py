"""Start-up benchmark: how long the lmsrx process takes for common calls, beside `python -c pass` timed in
the same run (min and median of N runs each, after one warm-up run), with the goal of issue 12.

    python benchmarks/startup.py [N]

Not a test: numbers depend on the machine; compare ratios, before and after a change. Bytecode is
written on the warm-up run (PYTHONDONTWRITEBYTECODE is dropped), as an installed wheel already has it.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

CALLS = [  # (arguments, goal as a ratio to python -c pass, or None)
    (["--help"], None),
    (["--version"], 4),
    (["kb", "info", "--format", "json"], None),
    (["options", "--line", "2", "--histology", "uterine", "--format", "json"], 6),
    (["options", "--line", "2", "--histology", "uterine", "--format", "table", "--color", "never"], 10),
    (["drug", "ifosfamide", "--format", "json"], 6),
    (["dose", "ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle", "--format", "json"], None),
]
COMPLETIONS = [("lmsrx drug ifo", 4), ("lmsrx options --prior dox", None)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    exe = shutil.which("lmsrx")
    base = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    low, bare = _time([sys.executable, "-c", "pass"], n, env)
    print(f"{'call':62} {'min':>7} {'median':>7}  {'ratio':>6}  goal")
    print(f"{'python -c pass':62} {low:7.1f} {bare:7.1f}")
    for args, goal in CALLS:
        low, ms = _time(base + args, n, env)
        _line("lmsrx " + " ".join(args), low, ms, bare, goal)
    for words, goal in COMPLETIONS:  # bash asking for completions, as `eval "$(lmsrx --show-completion bash)"` sets up
        cenv = {**env, "_LMSRX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(words.count(" "))}
        low, ms = _time(base, n, cenv)
        _line("completion: " + words + "<TAB>", low, ms, bare, goal)


def _line(label: str, low: float, ms: float, bare: float, goal) -> None:
    shown = f"<= {goal}x" if goal else ""
    print(f"{label[:62]:62} {low:7.1f} {ms:7.1f}  {ms / bare:5.1f}x  {shown}")


def _time(cmd: list, n: int, env: dict) -> tuple:
    subprocess.run(cmd, capture_output=True, env=env)  # warm-up: bytecode, file cache
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env)
        times.append((time.perf_counter() - t) * 1000)
    return min(times), statistics.median(times)


if __name__ == "__main__":
    main()
