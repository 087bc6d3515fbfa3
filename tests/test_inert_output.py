"""Nothing in the data acts on a terminal or a spreadsheet, in any format; every batch line gets one
answer line and only documented exit codes."""
import csv
import io
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = '=HYPERLINK("http://x","y") [link=http://x]click[/link] [/] [bold]b :pill: +1 -2 @SUM(A1)'
OVERLAY = f"""\
references:
  hostile-ref:
    kind: article
    verified: partial
    title: '{HOSTILE}'
    authors: ['=cmd|calc']
drugs:
  hostiledrug:
    name: '=Hostile'
    aliases: ['@evil']
    lms_status: off-label
    summary: '{HOSTILE}'
    cite: [hostile-ref]
    doses:
      - {{context: '+ctx', schedule: '-sched', amount: 5 mg, status: label, cite: [hostile-ref]}}
evidence:
  hostile-ev:
    title: '{HOSTILE}'
    summary: '{HOSTILE}'
    design: {{kind: single-arm-trial, phase: II}}
    settings: [metastatic]
    drugs: [hostiledrug]
    arms: ['=arm']
    arm_regimens: [[hostile-reg]]
    endpoints:
      - {{name: '@rate', values: [5], unit: percent, origin: source, cite: [hostile-ref]}}
    cite: [hostile-ref]
regimens:
  hostile-reg:
    name: '=Hostile regimen'
    drugs: [hostiledrug]
    family: other
    settings: [metastatic]
    recommendation: option
    summary: '{HOSTILE}'
    schedule: {{not_on_record: '-{HOSTILE}', cite: [hostile-ref]}}
    criteria:
      - {{test: setting, values: [metastatic], why: '=why'}}
    cautions:
      - {{when: always, text: '+caution {HOSTILE}', cite: [hostile-ref]}}
    evidence: [hostile-ev]
    cite: [hostile-ref]
"""
RAW = re.compile("[\x1b\x07\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def test_overlay_text_is_inert_in_every_format(run, tmp_path, monkeypatch):
    path = tmp_path / "hostile.yaml"
    path.write_text(OVERLAY, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "200")
    commands = [("options", "--line", "2"), ("drug", "hostiledrug"), ("trial", "hostile-ev"), ("drugs",), ("trials",),
                ("search", "hostile"), ("dose", "hostiledrug", "--planned", "5 mg")]
    for cmd in commands:
        for fmt in ("table", "json", "ndjson", "csv", "tsv", "markdown"):
            r = run("--kb", str(path), *cmd, "--format", fmt, "--color", "always")
            assert r.exit_code in (0, 1, 3), (cmd, fmt, r.stdout, r.stderr)
            out = r.stdout
            assert not RAW.search(re.sub(r"\x1b\[[0-9;]*m", "", out)), (cmd, fmt)  # only lmsrx's own colour codes
            assert "\x1b]8;" not in out  # no hyperlink escape from [link=...]
            if fmt == "markdown" and "click" in out:
                assert "\\[link=http://x\\]click\\[/link\\]" in out, (cmd, fmt)  # markup shown escaped, not run
            if fmt in ("csv", "tsv"):
                rows = list(csv.reader(io.StringIO(out))) if fmt == "csv" else [line.split("\t") for line in out.splitlines()]
                for row in rows:
                    for cell in row:
                        assert cell.lstrip(" ")[:1] not in ("=", "+", "@") and not re.match(r"^\s*-[^0-9]", cell), (cmd, fmt, cell)
            if fmt == "json":
                json.loads(out)
    for fmt in ("text", "bibtex", "ris", "csl-json"):
        r = run("--kb", str(path), "cite", "hostile-ref", "--format", fmt)
        assert r.exit_code == 0 and not RAW.search(r.stdout)


LINES = st.one_of(
    st.binary(max_size=60).filter(lambda b: b"\n" not in b and b"\r" not in b),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
                 lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.sampled_from(
                     ["id", "line", "setting", "histology", "size_cm", "prior", "biomarkers", "patient", "lines", "drug",
                      "dose", "days", "cumulative", "cycle_days"]), kids, max_size=4), max_leaves=8)
    .map(lambda v: json.dumps(v).encode()),
    st.sampled_from([b'{"id": 1e400}', b'{"line": "\xc2\xb2"}', b'{"size_cm": ' + b"9" * 400 + b"}", b'{"id": "\\ud800"}',
                     b'{"id": ' + b"[" * 50 + b"]" * 50 + b"}", b"\xff\xfe", b"", b"   ", b'{"line": 2}']),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, min_size=1, max_size=8), command=st.sampled_from(["options", "order"]),
       fmt=st.sampled_from(["ndjson", "csv", "tsv"]))
def test_every_batch_line_gets_one_answer_and_a_documented_code(run, lines, command, fmt):
    data = b"\n".join(lines) + b"\n"
    r = run(command, "--batch", "-", "--format", fmt, input=data)
    assert r.exit_code in (0, 1, 2, 3), (r.exit_code, r.stderr)
    out = r.stdout.splitlines()
    if fmt == "ndjson":
        assert [json.loads(line)["line"] for line in out] == list(range(1, len(lines) + 1))
    else:
        rows = list(csv.reader(io.StringIO(r.stdout))) if fmt == "csv" else [line.split("\t") for line in out]
        assert rows and len({len(row) for row in rows}) == 1  # rectangular, one header


def test_a_batch_line_with_an_id_unfit_to_echo_says_why_and_echoes_null(run):
    lines = [{"id": 2**63, "line": 2}, {"id": "P\u202e1", "line": 2}, {"id": True, "line": 2}, {"id": 10**15 - 1, "line": 2},
             {"id": -10**15, "line": 2}]
    out = [json.loads(x) for x in run("options", "--batch", "-", "--compact",
                                      input="\n".join(json.dumps(x) for x in lines) + "\n").stdout.splitlines()]
    assert [o["id"] for o in out] == [None, None, None, str(10**15 - 1), None]
    assert out[0]["error"]["message"] == out[2]["error"]["message"] == out[4]["error"]["message"] == "id must be text or a whole number of at most 15 digits"
    assert "bidi" in out[1]["error"]["message"] and "error" not in out[3]
