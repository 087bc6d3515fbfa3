"""Compiled knowledge base, fast batch lines, --compact and --jobs: same answers, faster (no timings here)."""
import json

from lmsrx import compiled, eligibility, patient, views
from lmsrx import kb as kbmod
from lmsrx.render import dumps

PATIENTS = [{"id": f"P{i}", "line": 1 + i % 3, "histology": ["uterine", "extremity", "trunk"][i % 3],
             **({"prior": ["doxorubicin"]} if i % 2 else {}), **({"biomarkers": ["er-positive"]} if i % 5 == 0 else {})}
            for i in range(30)] + [{"setting": "adjuvant", "grade": "high", "size_cm": 8}, {"setting": "neoadjuvant"}]


def test_the_shipped_compiled_base_equals_a_fresh_validation():
    fresh = kbmod.load(compiled=False)
    shipped = json.loads(open(compiled.PATH, encoding="utf-8").read())
    assert shipped == json.loads(json.dumps(compiled.dump(fresh))), "stale: run python -m lmsrx.compiled"
    built = kbmod.load()
    assert built.sha256 == fresh.sha256 and built.files == fresh.files and built.meta == fresh.meta
    for kind in ("references", "drugs", "evidence", "regimens"):
        assert getattr(built, kind) == getattr(fresh, kind), kind


def test_a_stale_compiled_base_is_ignored(monkeypatch):
    from lmsrx import files

    real = files.builtin_stamp()
    assert real and all(len(entry) == 3 for entry in real)
    edited = [[name, size, crc ^ (name == "drugs.yaml")] for name, size, crc in real]  # one file's content changed
    monkeypatch.setattr(files, "builtin_stamp", lambda: edited)
    assert compiled.load() is None and files.compiled_data() is None  # made from other YAML: ignored
    assert kbmod.load().sha256 == kbmod.load(compiled=False).sha256 == files.builtin_digest()


def test_reported_precision_survives_compilation(kb):
    from lmsrx.units import num

    ep = next(e for e in kb.evidence["palette"].endpoints if e.origin == "publication" and e.effect and e.effect.ci)
    assert [num(x) for x in ep.effect.ci] == ["0.24", "0.40"]


def test_fast_batch_line_is_exactly_dumps(kb):
    for i, desc in enumerate(PATIENTS, start=1):
        answer = eligibility.assess(kb, patient.from_mapping(desc, kb))
        for explain in (False, True):
            assert views.options_line(kb, answer, explain, i) == dumps({"line": i, **views.options_data(kb, answer, explain)})


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
