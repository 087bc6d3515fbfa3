"""Faults and hostile input (issue 21): huge numbers, killed workers, signals with stdin open, full disks under -o,
hash seeds, closed and broken streams, escapes in paths. Each waits on a condition, never leaves a process behind."""
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

HUGE = int("9" * 310)
LINE = (json.dumps({"line": 2, "histology": "uterine"}) + "\n").encode()


def _order(bsa):
    return {"patient": {"bsa_m2": bsa}, "lines": [{"drug": "gemcitabine", "dose": "900 mg/m2", "days": [1, 8], "over_min": 90}]}


@pytest.mark.parametrize("key", ["bsa_m2", "height_cm", "weight_kg", "over_min"])
def test_a_huge_number_is_a_usage_error(run, tmp_path, key):
    order = _order(1.8)
    if key == "over_min":
        order["lines"][0]["over_min"] = HUGE
    elif key == "bsa_m2":
        order["patient"]["bsa_m2"] = HUGE
    else:
        order["patient"] = {"height_cm": 170, "weight_kg": 70, key: HUGE}
    path = tmp_path / "o.json"
    path.write_text(json.dumps(order), encoding="utf-8")
    r = run("order", str(path))
    assert r.exit_code == 2 and "Traceback" not in r.stderr and len(r.stderr) < 400, r.stderr


def test_a_huge_number_in_a_batch_is_one_error_row(run, tmp_path):
    path = tmp_path / "orders.ndjson"
    path.write_text(json.dumps(_order(HUGE)) + "\n" + json.dumps(_order(1.8)) + "\n", encoding="utf-8")
    rows = [json.loads(x) for x in run("order", "--batch", str(path)).stdout.splitlines()]
    assert len(rows) == 2 and rows[0]["error"]["exit_code"] == 2 and "error" not in rows[1]


def _start(*args):
    env = {k: v for k, v in os.environ.items() if k != "LMSRX_DEBUG"}
    proc = subprocess.Popen([sys.executable, "-m", "lmsrx", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    out: list[bytes] = []
    threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True).start()
    return proc, out


def _workers(pid, want=2, within=20.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        if len(kids) >= want:
            return [int(k) for k in kids]
        time.sleep(0.05)
    return []


NEEDS_PROC = pytest.mark.skipif(
    not os.path.exists("/proc") or subprocess.run(["which", "pgrep"], capture_output=True).returncode,
    reason="needs /proc and pgrep")


@contextlib.contextmanager
def _batch_on_workers(lines, *extra):
    """``options --batch - --jobs 2`` fed ``lines`` lines with stdin left open, once its workers run: (process, worker
    pids); killed afterwards if it is still running."""
    proc, _ = _start("options", "--batch", "-", "--jobs", "2", *extra)
    try:
        proc.stdin.write(LINE * lines)
        proc.stdin.flush()
        kids = _workers(proc.pid)
        assert kids, "the workers did not start"
        yield proc, kids
    finally:
        if proc.poll() is None:
            proc.kill()


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return False


@NEEDS_PROC
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_with_stdin_open_ends_the_run_and_its_workers(sig, code):
    with _batch_on_workers(200) as (proc, kids):
        started = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=10)
        assert proc.returncode == code and time.monotonic() - started < 2
        assert b"Traceback" not in proc.stderr.read()
        deadline = time.monotonic() + 5
        while any(_alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(k) for k in kids)


@NEEDS_PROC
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.parametrize("attempt", range(4))  # the kill lands at a different moment each time (mid-answer included)
def test_a_killed_worker_stops_the_run_and_says_so(sig, attempt):
    with _batch_on_workers(300) as (proc, kids):
        time.sleep(0.02 * attempt)
        os.kill(kids[-1], sig)

        def feed():  # in a thread: a run that stopped reading must fail the test, not hang it
            try:
                proc.stdin.write(LINE * 3000)
                proc.stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass

        threading.Thread(target=feed, daemon=True).start()
        proc.wait(timeout=20)
        err = proc.stderr.read().decode()
        assert proc.returncode == 70 and "worker process stopped" in err, err
        assert "were not answered" in err or "no line was answered" in err, err
        assert "Traceback" not in err
        assert not [k for k in kids if _alive(k)]  # no worker left behind


def test_a_killed_worker_is_noticed_while_stdin_is_still_open():
    """The main process waits on standard input for more lines: a worker's death must still end the run at once."""
    with _batch_on_workers(300, "--compact") as (proc, kids):
        os.kill(kids[0], signal.SIGKILL)
        proc.wait(timeout=20)  # stdin is never closed
        err = proc.stderr.read().decode()
        assert proc.returncode == 70 and "worker process stopped" in err, err
        assert not [k for k in kids if _alive(k)]


def test_a_failed_write_leaves_the_old_page(run, tmp_path, monkeypatch):
    target = tmp_path / "board.html"
    target.write_text("the old page", encoding="utf-8")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    r = run("report", "--line", "2", "-o", str(target))
    assert r.exit_code == 74 and "No space left" in r.stderr
    assert target.read_text(encoding="utf-8") == "the old page"
    assert [p.name for p in tmp_path.iterdir()] == ["board.html"]  # no partial file left


def test_a_page_is_replaced_whole(run, tmp_path):
    target = tmp_path / "board.html"
    target.write_text("old", encoding="utf-8")
    assert run("report", "--line", "2", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize("args", [
    ["order", "tests/golden/../data/readme/cycle.yaml", "--format", "json"],
    ["options", "--line", "2", "--histology", "uterine", "--format", "json"],
    ["dose", "doxorubicin", "--height", "170", "--weight", "70", "--planned", "75 mg/m2", "--cumulative",
     "epirubicin=100 mg/m2", "--cumulative", "doxorubicin=100 mg/m2", "--format", "json"],
    ["regimen", "gemcitabine-docetaxel", "--bsa", "1.8", "--format", "json"],
])
def test_output_does_not_depend_on_the_hash_seed(args):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outs = set()
    for seed in ("0", "5", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-m", "lmsrx", *args], capture_output=True, env=env, cwd=root).stdout)
    assert len(outs) == 1


def test_a_closed_stderr_does_not_change_the_exit_code(tmp_path):
    out = tmp_path / "r.html"
    for redirect in ("2>&-", "2>/dev/full"):
        if "full" in redirect and not os.path.exists("/dev/full"):
            continue
        done = subprocess.run(f"{sys.executable} -m lmsrx report --line 2 -o {out} {redirect}", shell=True)
        assert done.returncode == 0 and out.exists()


def test_a_path_is_escaped_in_messages(run, tmp_path):
    evil = tmp_path / "\x1b]0;PWNED\x07.html"
    r = run("report", "--line", "2", "-o", str(evil))
    assert r.exit_code == 0 and "\x1b" not in r.stderr and "\\x1b" in r.stderr
    r = run("report", "--line", "2", "-o", str(tmp_path / "no-such-folder" / "\x1b[31m.html"))
    assert r.exit_code == 74 and "\x1b" not in r.stderr


@pytest.mark.parametrize("args", [["options", "--batch", "-"], ["order", "-"], ["order", "--batch", "-"],
                                  ["options", "--patient", "-"]])
def test_a_closed_stdin_names_it(args):
    done = subprocess.run([sys.executable, "-m", "lmsrx", *args], capture_output=True, text=True,
                          preexec_fn=lambda: os.close(0))  # the child starts with no standard input at all
    assert done.returncode == 2 and "standard input" in done.stderr and "Traceback" not in done.stderr


class _Trickle(io.RawIOBase):
    """A file that takes at most 1,000 bytes a write, as a pipe or a filling disk may; with ``full``, it takes that
    many bytes in all and then refuses with ``error``."""

    def __init__(self, full=None, error=None):
        self.data, self.full, self.error = bytearray(), full, error

    def writable(self):
        return True

    def write(self, b):
        room = 1000 if self.full is None else min(1000, self.full - len(self.data))
        if room <= 0:
            raise self.error
        self.data += bytes(b[:room])
        return min(len(b), room)


@pytest.mark.parametrize("error, code", [(None, 0), (OSError(28, "No space left on device"), 74),
                                         (BrokenPipeError(32, "Broken pipe"), 141)])
def test_unbuffered_output_is_written_whole_or_reported(error, code):
    """With python -u or PYTHONUNBUFFERED, stdout hands each write to the file once and takes a partial write as
    whole: a long answer must still be written to its last byte, or the failure reported, never exit 0 cut short."""
    from lmsrx.cli import main
    from lmsrx.environment import Environment

    raw = _Trickle(None if error is None else 5000, error)
    stdout = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)  # what python -u makes of stdout
    stderr = io.StringIO()
    env = Environment.from_os(stdin=io.StringIO(), stdout=stdout, stderr=stderr, environ={})
    args = ["options", "--line", "2", "--histology", "uterine", "--format", "json"]
    assert main(args, env) == code, stderr.getvalue()
    if error is None:
        whole = json.loads(raw.data.decode("utf-8"))
        assert whole["candidates"] and len(raw.data) > 100_000
    else:
        assert len(raw.data) == 5000 and ("No space left" in stderr.getvalue()) == (code == 74)


def test_unbuffered_output_in_an_encoding_with_a_byte_order_mark_has_one():
    """Written whole per write only where one encoding per write is the stream's own (no utf-8-sig BOM per line)."""
    from lmsrx.cli import main
    from lmsrx.environment import Environment

    raw = _Trickle(full=10**9)
    stdout = io.TextIOWrapper(raw, encoding="utf-8-sig", write_through=True)
    env = Environment.from_os(stdin=io.StringIO(), stdout=stdout, stderr=io.StringIO(), environ={})
    assert main(["options", "--line", "2", "--format", "table", "--color", "never"], env) == 0  # many writes
    assert raw.data.count(b"\xef\xbb\xbf") == 1 and raw.data.startswith(b"\xef\xbb\xbf")
