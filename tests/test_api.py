"""The Python API gives exactly what the command line prints, and raises instead of exiting."""
import doctest
import json

import pytest

import lmsrx
from lmsrx import api
from lmsrx.errors import UsageError

CASES = [
    (["options", "--line", "2", "--histology", "uterine"], lambda: lmsrx.options({"line": 2, "histology": "uterine"})),
    (["options", "--setting", "adjuvant", "--grade", "high", "--size", "8", "--histology", "retroperitoneal"],
     lambda: lmsrx.options({"setting": "adjuvant", "grade": "high", "size_cm": 8, "histology": "retroperitoneal"})),
    (["options", "--line", "2", "--histology", "uterine", "--biomarker", "er-positive", "--prior", "doxorubicin", "--explain"],
     lambda: lmsrx.options({"line": 2, "histology": "uterine", "biomarkers": ["er-positive"], "prior": ["doxorubicin"]},
                           explain=True)),
    (["dose", "ifosfamide", "--bsa", "1.8", "--planned", "25 g", "--per", "cycle"],
     lambda: lmsrx.dose("ifosfamide", "25 g", bsa=1.8, per="cycle")),
    (["dose", "doxorubicin", "--bsa", "1.8", "--planned", "75 mg/m2", "--cumulative", "doxorubicin=300 mg/m2"],
     lambda: lmsrx.dose("doxorubicin", "75 mg/m2", bsa=1.8, cumulative=["doxorubicin=300 mg/m2"])),
    (["drug", "ifosfamide"], lambda: lmsrx.drug("ifosfamide")),
    (["trial", "lms-04"], lambda: lmsrx.trial("lms-04")),
]


@pytest.mark.parametrize("argv, call", CASES, ids=[" ".join(c[0][:3]) for c in CASES])
def test_to_dict_is_the_cli_json(run, argv, call):
    r = run(*argv, "--format", "json")
    assert json.loads(r.stdout) == call().to_dict()


def test_order_and_exit_status(run, tmp_path):
    doc = {"patient": {"bsa_m2": 1.8}, "cycle_days": 21,
           "lines": [{"drug": "ifosfamide", "dose": "3 g/m2", "days": [1, 2, 3]}]}
    result = lmsrx.order(doc)
    assert result.verdict == "exceeds" and result.exit_status == 3  # no mesna
    path = tmp_path / "o.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert json.loads(run("order", str(path), "--format", "json").stdout) == result.to_dict()
    assert lmsrx.options({"line": 1}).exit_status == 0


def test_bad_input_raises_never_exits(tmp_path):
    with pytest.raises(UsageError) as info:
        lmsrx.options({"histology": "lung"})
    assert info.value.exit_code == 2 and "valid choices" in info.value.message
    with pytest.raises(lmsrx.UsageError):
        lmsrx.dose("ifosfamid", "9 g/m2", bsa=1.8)
    bad = tmp_path / "bad.yaml"
    bad.write_text("drugs:\n  x: {name: X}\n", encoding="utf-8")
    with pytest.raises(lmsrx.KnowledgeError) as info:
        lmsrx.load([str(bad)])
    assert info.value.exit_code == 4 and str(info.value.problems[0]).startswith(f"{bad}:2:")


def test_doctests():
    failures, _ = doctest.testmod(api)
    assert failures == 0


def test_import_is_cheap():
    import subprocess
    import sys

    code = "import sys, lmsrx; print(sorted(m for m in sys.modules if m.startswith(('lmsrx', 'yaml', 'rich', 'typer'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "['lmsrx', 'lmsrx.version']"


def test_the_public_names_are_listed():
    import lmsrx

    assert set(dir(lmsrx)) >= {"options", "dose", "order", "regimen", "drug", "trial", "load", "UsageError"}
    assert all(hasattr(lmsrx, name) for name in lmsrx.__all__)


def test_bad_input_is_a_usage_error(tmp_path):
    import pytest

    import lmsrx

    for bad in ([1], "line 2", None, 5):
        with pytest.raises(lmsrx.UsageError):
            lmsrx.options(bad)
    for bad in (5, b"x", {"a": 1}):
        with pytest.raises(lmsrx.UsageError):
            lmsrx.load(bad)
    with pytest.raises(lmsrx.UsageError):
        lmsrx.load(str(tmp_path / "missing.yaml"))
    extra = tmp_path / "extra.yaml"
    extra.write_text("references:\n  our-ref: {kind: guidance, verified: partial, title: Ours}\n", encoding="utf-8")
    assert "our-ref" in lmsrx.load(extra).references and "our-ref" in lmsrx.load([str(extra)]).references


def test_a_user_script_type_checks_strictly(tmp_path):
    """The public names are typed for a user's `mypy --strict` (skipped where mypy is not installed)."""
    import importlib.util
    import subprocess
    import sys

    import pytest

    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed")
    script = tmp_path / "user.py"
    script.write_text("import lmsrx\n\nr = lmsrx.options({'line': 2})\ncode: int = r.exit_status\n"
                      "kb = lmsrx.load()\nv: str | None = lmsrx.dose('ifosfamide', '9 g/m2', bsa=1.8, per='cycle').verdict\n"
                      "try:\n    lmsrx.options({'line': 99})\nexcept lmsrx.UsageError as exc:\n    print(exc.message)\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout
