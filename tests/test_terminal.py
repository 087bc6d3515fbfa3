"""Tables measured in a real pseudo-terminal (not CliRunner): at 80, 100 and 120 columns no line is wider than the
terminal, and the options answer is on the first screen."""
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COMMANDS = [
    ["options", "--line", "2", "--histology", "uterine", "--prior", "doxorubicin"],
    ["options", "--line", "2", "--histology", "uterine", "--explain"],
    ["options", "--line", "2", "--histology", "uterine", "--long"],
    ["drug", "doxorubicin"], ["drug", "ifosfamide"], ["drugs"],
    ["dose", "ifosfamide", "--bsa", "1.8", "--planned", "14 g/m2"],
    ["dose", "doxorubicin", "--bsa", "1.8", "--planned", "75 mg/m2", "--cumulative", "doxorubicin=300 mg/m2"],
    ["trials"], ["trial", "palette"], ["search", "doxorubicin"],
    ["compare", "trabectedin", "pazopanib", "eribulin"],
    ["regimen", "gemcitabine-docetaxel", "--bsa", "1.8"], ["kb", "info"],
    ["order", os.path.join(os.path.dirname(__file__), "data", "readme", "cycle.yaml")],
    ["trial", "a092104"], ["trials", "--grade", "A1"], ["regimen", "repotrectinib"],
]


def _in_terminal(args: list[str], columns: int, rows: int = 50) -> str:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "PAGER")}
    proc = subprocess.Popen([sys.executable, "-m", "lmsrx", *args, "--no-pager"], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed: the command is done
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(master)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_no_line_is_wider_than_the_terminal(args, columns):
    out = _in_terminal(args, columns)
    assert out.strip(), args
    widest = max(out.split("\n"), key=len)
    assert len(widest) <= columns, f"{len(widest)} > {columns}: {widest!r}"


def test_the_options_answer_is_on_the_first_screen():
    out = _in_terminal(["options", "--line", "2", "--histology", "uterine", "--prior", "doxorubicin"], 80)
    lines = out.rstrip("\n").split("\n")
    assert len(lines) <= 50, len(lines)
    assert lines[1].startswith("ELIGIBLE (8): pazopanib, trabectedin")
    assert any(line.startswith("CONDITIONAL (7): entrectinib") for line in lines[:5])
    assert "HR 0.55 [publication]" in out  # the key figure prefers the publication where the source gives less
