"""The built-in artefact, fast batch lines, --compact and --jobs: same answers, faster (no timings here)."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsrx import build
from lmsrx.clinical import eligibility, patient
from lmsrx.errors import UsageError
from lmsrx.knowledge import artefact, files
from lmsrx.knowledge import load as loader
from lmsrx.knowledge import names
from lmsrx.output import options as option_views
from lmsrx.output.render import dumps

PATIENTS = [{"id": f"P{i}", "line": 1 + i % 3, "histology": ["uterine", "extremity", "trunk"][i % 3],
             **({"prior": ["doxorubicin"]} if i % 2 else {}), **({"biomarkers": ["er-positive"]} if i % 5 == 0 else {})}
            for i in range(30)] + [{"setting": "adjuvant", "grade": "high", "size_cm": 8}, {"setting": "neoadjuvant"}]


def test_the_artefact_equals_a_fresh_validation(tmp_path):
    fresh = loader.load(compiled=False)
    path = build.build(str(tmp_path / "kb.pickle"))
    built = artefact.read(files.builtin_stamp(), path)
    assert built is not None
    assert built.sha256 == fresh.sha256 and built.files == fresh.files and built.meta == fresh.meta
    for kind in ("references", "drugs", "evidence", "regimens", "classes", "rules"):
        assert getattr(built, kind) == getattr(fresh, kind), kind
    assert built.origin == fresh.origin and built == fresh
    assert artefact.read_names(files.builtin_stamp(), path) == names.table(fresh)  # what completion reads alone


def test_a_stale_or_damaged_artefact_is_ignored(tmp_path):
    path = build.build(str(tmp_path / "kb.pickle"))
    real = files.builtin_stamp()
    assert real and all(len(entry) == 3 for entry in real)
    assert artefact.read(real, path) is not None
    edited = [[name, size, crc ^ (name == "drugs.yaml")] for name, size, crc in real]  # one file's content changed
    assert artefact.read(edited, path) is None and artefact.read_names(edited, path) is None  # other YAML: ignored
    (tmp_path / "bad.pickle").write_bytes(b"not a pickle")
    assert artefact.read(real, str(tmp_path / "bad.pickle")) is None and artefact.read(real, str(tmp_path / "none")) is None


def test_reported_precision_survives_the_artefact(kb):
    from lmsrx.units import num

    ep = next(e for e in kb.evidence["palette"].endpoints if e.origin == "publication" and e.effect and e.effect.ci)
    assert [num(x) for x in ep.effect.ci] == ["0.24", "0.40"]


def test_the_one_serialiser_writes_what_dumps_would(kb):
    """options_json is built from cached parts: the text is exactly the canonical compact JSON of its data."""
    for i, desc in enumerate(PATIENTS, start=1):
        answer = eligibility.assess(kb, patient.from_mapping(desc, kb))
        for explain in (False, True):
            text = option_views.options_json(kb, answer, explain, i)
            assert text == dumps(json.loads(text)) and list(json.loads(text))[:2] == ["line", "query"]
            assert option_views.options_json(kb, answer, explain) == dumps(option_views.options_data(kb, answer, explain))
            indented = option_views.options_json(kb, answer, explain, layout=option_views.INDENTED)
            assert indented == dumps(option_views.options_data(kb, answer, explain), indent=2)  # --format json
        compact = option_views.compact_json(answer, i)
        assert compact == dumps(json.loads(compact))


def test_an_encoded_artefact_carries_only_encoded_parts_and_answers_alike(tmp_path):
    """A wheel's artefact (--encoded) holds each regimen's unchanging parts, encoded in both layouts; every answer
    from it is byte for byte the answer of a base validated from the YAML, which encodes them on the spot."""
    path = build.build(str(tmp_path / "kb.pickle"), encoded=True)
    built = artefact.read(files.builtin_stamp(), path)
    fresh = loader.load(compiled=False)
    assert built is not None and built == fresh
    assert {key[0] for key in built.cache} == set(option_views.ENCODED)
    assert {key[1] for key in built.cache if key[0] == "options-json"} == set(fresh.regimens)
    assert artefact.read(files.builtin_stamp(), build.build(str(tmp_path / "plain.pickle"))).cache == {}
    for i, desc in enumerate(PATIENTS, start=1):
        mine, theirs = (eligibility.assess(base, patient.from_mapping(desc, base)) for base in (built, fresh))
        for explain in (False, True):
            for layout in (option_views.COMPACT, option_views.INDENTED):
                assert (option_views.options_json(built, mine, explain, i, layout)
                        == option_views.options_json(fresh, theirs, explain, i, layout))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(desc=st.deferred(lambda: _patients), explain=st.booleans())
def test_the_indented_document_is_the_data_indented(kb, desc, explain):
    """``--format json`` is written from the serialiser's parts, not by re-encoding its data: for any patient it is
    exactly what json.dumps(indent=2) writes for the data, empty lists and escapes included."""
    p = _patient_or_none(kb, desc)
    if p is None:
        return
    answer = eligibility.assess(kb, p)
    text = option_views.options_json(kb, answer, explain, layout=option_views.INDENTED)
    assert text == dumps(option_views.options_data(kb, answer, explain), indent=2)


def test_compact_and_jobs(run, tmp_path):
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(json.dumps(p) for p in PATIENTS) + "\n\nnot json\n", encoding="utf-8")
    one = run("options", "--batch", str(path))
    two = run("options", "--batch", str(path), "--jobs", "2")
    assert one.stdout == two.stdout and one.exit_code == two.exit_code == 2
    csv1 = run("options", "--batch", str(path), "--format", "csv").stdout
    assert run("options", "--batch", str(path), "--format", "csv", "--jobs", "2").stdout == csv1
    compact = [json.loads(line) for line in run("options", "--batch", str(path), "--compact").stdout.splitlines()]
    assert len(compact) == len(PATIENTS) + 2
    first = compact[0]
    assert set(first) == {"line", "id", "candidates", "excluded"} and first["id"] == "P0"
    assert {"id", "status", "strength", "needs", "evidence"} == set(first["candidates"][0])
    full = json.loads(one.stdout.splitlines()[0])
    assert [c["id"] for c in first["candidates"]] == [c["id"] for c in full["candidates"]]
    assert run("options", "--line", "2", "--compact").exit_code == 2  # --compact goes with --batch


# ---------------------------------------------------------------- a batch shares assessments between patients
_DRUGS = ["doxorubicin", "gemcitabine", "trabectedin", "pld", "ifosfamide", "anthracycline", "pazopanib", "eribulin",
          "dacarbazine", "docetaxel"]
_patients = st.fixed_dictionaries({}, optional={
    "setting": st.sampled_from(patient.SETTINGS), "line": st.integers(1, 10), "histology": st.sampled_from(patient.SITES),
    "grade": st.sampled_from(patient.GRADES), "size_cm": st.sampled_from([0.5, 4.9, 5, 5.1, 8, 100]),
    "depth": st.sampled_from(patient.DEPTHS), "age": st.integers(0, 120), "margin": st.sampled_from(patient.MARGINS),
    "biomarkers": st.lists(st.sampled_from(patient.BIOMARKERS), max_size=3, unique=True),
    "prior": st.one_of(st.just(["none"]), st.lists(st.sampled_from(_DRUGS), max_size=3, unique=True)),
    "progressed_on": st.lists(st.sampled_from(_DRUGS), max_size=2, unique=True),
    "conditions": st.lists(st.sampled_from(patient.CONDITIONS), max_size=3, unique=True),
    "anthracycline_ineligible": st.booleans(),
    "exclude": st.lists(st.sampled_from(_DRUGS), max_size=2, unique=True),
})


def _patient_or_none(kb, desc):
    try:
        return patient.from_mapping(desc, kb)
    except UsageError:
        return None


class _Reads:
    """A patient that notes every fact read from it."""

    def __init__(self, real):
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "read", set())

    def __getattr__(self, name):
        self.read.add(name)
        return getattr(self._real, name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(desc=_patients)
def test_an_assessment_reads_only_the_facts_its_memo_key_holds(kb, desc):
    p = _patient_or_none(kb, desc)
    if p is None:
        return
    for reg in kb.regimens.values():
        spy = _Reads(p)
        assert eligibility.assess_regimen(kb, reg, spy) == eligibility.assess_regimen(kb, reg, p)
        assert spy.read <= set(eligibility.reads_of(kb, reg)), (reg.id, spy.read - set(eligibility.reads_of(kb, reg)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(descs=st.lists(_patients, min_size=2, max_size=12))
def test_a_shared_memo_gives_each_patient_the_answer_it_would_get_alone(kb, descs):
    memo: dict = {}
    for i, desc in enumerate(descs, start=1):
        p = _patient_or_none(kb, desc)
        if p is None:
            continue
        alone, shared = eligibility.assess(kb, p), eligibility.assess(kb, p, memo)
        for explain in (False, True):
            assert option_views.options_json(kb, shared, explain, i) == option_views.options_json(kb, alone, explain, i)
        assert option_views.compact_json(shared, i) == option_views.compact_json(alone, i)


def test_the_memo_stays_bounded(kb, monkeypatch):
    monkeypatch.setattr(eligibility, "MEMO_LIMIT", 30)
    memo: dict = {}
    for line in range(1, 11):
        for site in patient.SITES:
            eligibility.assess(kb, patient.from_mapping({"line": line, "histology": site}, kb), memo)
            assert len(memo) <= 30


def test_a_line_too_long_is_reported_alike_with_jobs(run, tmp_path):
    path = tmp_path / "long.ndjson"
    path.write_bytes(b'{"line": 2}\n' + b'{"id": "' + b"x" * (1_048_576 + 10) + b'"}\n' + b'{"line": 1}\n')
    one = run("options", "--batch", str(path), "--compact")
    two = run("options", "--batch", str(path), "--compact", "--jobs", "2")
    assert one.stdout == two.stdout and one.exit_code == two.exit_code == 2
    assert "line 2: longer than 1048576 bytes" in two.stdout


def test_ctrl_c_stops_a_parallel_batch_with_one_message():
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    if not hasattr(os, "killpg"):
        return
    exe = shutil.which("lmsrx", path=os.path.dirname(sys.executable))
    cmd = [exe] if exe else [sys.executable, "-m", "lmsrx"]
    proc = subprocess.Popen([*cmd, "options", "--batch", "-", "--jobs", "2"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    proc.stdin.write(b'{"line": 2}\n' * 200)
    proc.stdin.flush()
    time.sleep(1.5)  # the workers are running (waiting for more input)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches the whole process group
    proc.stdin.close()
    assert proc.wait(timeout=30) == 130
    assert proc.stderr.read().decode() == "lmsrx: interrupted\n"  # no worker's traceback


def test_jobs_end_quietly(tmp_path):
    """The pool ends its workers with SIGTERM when the run is done: a worker must not report that as an interruption."""
    import subprocess
    import sys

    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(json.dumps(p) for p in PATIENTS * 20) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "lmsrx", "options", "--batch", str(path), "--jobs", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len(done.stdout.splitlines()) == len(PATIENTS) * 20
