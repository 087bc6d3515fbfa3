"""Start-up benchmark: lmsrx beside the Typer floor, side by side in one run.

    python benchmarks/startup.py [PAIRS]

The floor (``benchmarks/typer_floor.py``) is a Typer app of lmsrx's shape that answers each command with a small
JSON document: the least any Typer CLI of this shape costs to start. Each call below is run as a pair, lmsrx then
the floor's same call, PAIRS times (default 21) after one warm-up pair; the figure is the median of the pairwise
ratios (pairing keeps the ratio meaningful when the machine's speed drifts), beside each side's median
milliseconds. What lmsrx costs above the floor is its own: loading its knowledge, deciding, rendering.

Not a test (numbers depend on the machine): run it before and after a change, with the Python of a venv where lmsrx
is installed from a wheel (``pip install .``), as users run it: an editable install's artefact carries no encoded
options parts (README, "The built-in base ships validated"). Bytecode is written on the warm-up
(PYTHONDONTWRITEBYTECODE is dropped), as an installed wheel already has it.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = str(Path(__file__).with_name("typer_floor.py"))
CALLS = [  # (label, lmsrx arguments, floor arguments, goal: at most this many times the floor)
    ("drug ifosfamide --format json", ["drug", "ifosfamide", "--format", "json"],
     ["drug", "ifosfamide", "--format", "json"], 1.3),
    ("options --line 2 --histology uterine --format json",
     ["options", "--line", "2", "--histology", "uterine", "--format", "json"],
     ["options", "--line", "2", "--histology", "uterine", "--format", "json"], 1.3),
    ("options --line 2 --histology uterine (table)",
     ["options", "--line", "2", "--histology", "uterine", "--format", "table", "--color", "never"],
     ["options", "--line", "2", "--histology", "uterine", "--format", "table"], 1.8),
    ("dose ifosfamide --bsa 1.8 --planned '9 g/m2' --per cycle --format json",
     ["dose", "ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle", "--format", "json"],
     ["dose", "ifosfamide", "--format", "json"], None),
    ("--help", ["--help"], ["--help"], None),
]
COMPLETION = ("bash completion: drug ifo<TAB>", "drug ifo", 1.2)


def main() -> None:
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    exe = shutil.which("lmsrx", path=os.path.dirname(sys.executable)) or shutil.which("lmsrx")
    lmsrx = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    floor = [sys.executable, FLOOR]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"{'call':66} {'lmsrx ms':>9} {'floor ms':>9} {'ratio':>6}  goal")
    for label, mine, theirs, goal in CALLS:
        _line(label, *_pairs(lmsrx + mine, env, floor + theirs, env, pairs), goal)
    label, words, goal = COMPLETION
    mine_env = {**env, "_LMSRX_COMPLETE": "complete_bash", "COMP_WORDS": f"lmsrx {words}", "COMP_CWORD": "2"}
    floor_env = {**env, "_TYPER_FLOOR.PY_COMPLETE": "complete_bash", "COMP_WORDS": f"typer_floor.py {words}",
                 "COMP_CWORD": "2"}
    _line(label, *_pairs(lmsrx, mine_env, floor, floor_env, pairs), goal)


def _line(label: str, mine: float, theirs: float, ratio: float, goal) -> None:
    verdict = "" if goal is None else f"<= {goal}x {'met' if ratio <= goal else 'NOT met'}"
    print(f"{label[:66]:66} {mine:9.1f} {theirs:9.1f} {ratio:5.2f}x  {verdict}")


def _pairs(a: list, a_env: dict, b: list, b_env: dict, n: int) -> tuple:
    _once(a, a_env), _once(b, b_env)  # warm-up: bytecode, file cache
    mine, theirs = [], []
    for _ in range(n):
        mine.append(_once(a, a_env))
        theirs.append(_once(b, b_env))
    return statistics.median(mine), statistics.median(theirs), statistics.median(x / y for x, y in zip(mine, theirs))


def _once(cmd: list, env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    return (time.perf_counter() - t) * 1000


if __name__ == "__main__":
    main()
