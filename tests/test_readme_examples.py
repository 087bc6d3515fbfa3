"""Every console example of the README is run and its output compared (hashes and dates masked), so the README
cannot drift from what lmsrx prints. An example whose output ends with a line '...' shows only its first lines.

After an intended change: LMSRX_REGEN_README=1 pytest tests/test_readme_examples.py, then review git diff README.md.
Regeneration refuses (and writes nothing) when an abridged example printed fewer lines than it shows: a command
that now fails would otherwise shorten its example silently.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FIXTURES = Path(__file__).resolve().parent / "data" / "readme"  # the files the examples name (bad.yaml, cycle.yaml ...)
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
SEP = "\x1e--lmsrx-example--\x1e"
MASKS = [(re.compile(r"\b[0-9a-f]{8,64}\b…?"), "<hash>"), (re.compile(r"generated \d{4}-\d{2}-\d{2}[^;\n]*"), "generated <date>"),
         (re.compile(r"/tmp/[^\s:]+"), "<tmp>")]


def _examples(text: str) -> list[tuple[int, list[tuple[str, list[str]]]]]:
    out = []
    for m in BLOCK.finditer(text):
        steps: list[tuple[str, list[str]]] = []
        for line in m.group(1).rstrip("\n").split("\n"):
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        out.append((m.start(1), steps))
    return out


def _run(steps: list[tuple[str, list[str]]], where: Path) -> list[list[str]]:
    script = "".join(f"{cmd} 2>&1; __s=$?; printf '%s\\n' '{SEP}'; (exit $__s)\n" for cmd, _ in steps)
    bindir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "PAGER", "LMSRX_DEBUG")}
    env.update({"PATH": bindir + os.pathsep + env.get("PATH", ""), "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb",
                "LMSRX_REPORT_DATE": "2026-01-01"})
    done = subprocess.run(["bash", "-c", script], cwd=where, capture_output=True, text=True, env=env, timeout=300)
    parts = done.stdout.split(SEP + "\n")
    return [p.rstrip("\n").split("\n") if p.rstrip("\n") else [] for p in parts[:len(steps)]]


def _mask(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for pattern, repl in MASKS:
            line = pattern.sub(repl, line)
        out.append(line.rstrip())
    return out


def _setup(tmp: Path) -> None:
    for f in FIXTURES.iterdir():
        shutil.copy(f, tmp / f.name)


def test_readme_console_examples(tmp_path):
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (the README's pipelines use it)")
    text = README.read_text(encoding="utf-8")
    regen = bool(os.environ.get("LMSRX_REGEN_README"))
    problems, short = [], []
    new_text = text
    for index, (start, steps) in enumerate(reversed(_examples(text))):
        where = tmp_path / f"block{index}"
        where.mkdir()
        _setup(where)
        actual = _run(steps, where)
        lines = []
        for (cmd, expected), got in zip(steps, actual):
            abridged = bool(expected) and expected[-1] == "..."
            want = expected[:-1] if abridged else expected
            shown = got[:len(want)] if abridged else got
            if regen and abridged and len(got) < len(want):  # it printed less than the example shows: a failure?
                short.append(f"$ {cmd}\n--- README ({len(want)} lines shown)\n" + "\n".join(want) + "\n--- actual\n" + "\n".join(got))
            if _mask(shown) != _mask(want):
                problems.append(f"$ {cmd}\n--- README\n" + "\n".join(want) + "\n--- actual\n" + "\n".join(shown))
            lines += [f"$ {cmd}", *(shown + ["..."] if abridged else got)]
        if regen:
            end = new_text.index("```", start)
            new_text = new_text[:start] + "\n".join(lines) + "\n" + new_text[end:]
    if regen:
        assert not short, ("not regenerated: an abridged example printed fewer lines than it shows (a command that "
                           "failed?); fix it, or shorten the example by hand\n\n" + "\n\n".join(short[:5]))
        README.write_text(new_text, encoding="utf-8")
        return
    assert not problems, "\n\n".join(problems[:5]) + f"\n\n({len(problems)} examples differ; regenerate with LMSRX_REGEN_README=1)"
