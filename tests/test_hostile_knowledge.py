"""A corpus of hostile knowledge files: each one is refused, and the problem names the right file:line."""
import pytest

from lmsrx.errors import KnowledgeError
from lmsrx.knowledge import load as loader
from lmsrx.knowledge import validate

HEAD = "drugs:\n  testdrug:\n    name: Testdrug\n    lms_status: off-label\n    summary: A test drug.\n    cite: [statpearls-lms-2020]\n"
# line:  1       2              3                 4                        5                      6


def drug(extra: str) -> str:
    return HEAD + extra


LIMIT = "    limits:\n      - {{scope: {scope}, severity: {sev}, max: {max}, basis: b, cite: [statpearls-lms-2020]}}\n"
DOSE = "    doses:\n      - {{context: c, schedule: s, status: label, cite: [statpearls-lms-2020], {fields}}}\n"
EVIDENCE = ("evidence:\n  testev:\n    title: T\n    summary: S\n    design: {kind: randomised-trial}\n"
            "    settings: [metastatic]\n    cite: [statpearls-lms-2020]\n")
# line:      1          2          3           4             5                                 6                      7

CASES = [
    # ---------------------------------------------------------------- YAML level
    ("duplicate key", HEAD + "    name: Again\n", 7, "duplicate key 'name'"),
    ("every duplicate key", HEAD + "    name: A\n    summary: B\n", 8, "duplicate key 'summary'"),
    ("alias", HEAD + "    aliases: [&a x, *a]\n", 7, "anchors"),
    ("tag", HEAD + "    mechanism: !!python/name:os.system x\n", 7, "tags"),
    ("yaml 1.1 yes", HEAD + "    replace: yes\n", 7, "YAML 1.1 boolean"),
    ("yaml 1.1 on", HEAD + "    replace: on\n", 7, "YAML 1.1 boolean"),
    ("octal", drug(DOSE.format(fields="cycle_days: 021")), 8, "ambiguous number"),
    ("hex", drug(DOSE.format(fields="cycle_days: 0x15")), 8, "ambiguous number"),
    ("underscored", drug(DOSE.format(fields="cycle_days: 2_1")), 8, "ambiguous number"),
    ("sexagesimal", HEAD + "    mechanism: 1:30\n", 7, "base 60"),
    ("unquoted date", "references:\n  r1:\n    kind: article\n    verified: partial\n    date: 2019-08-15\n", 5, "unquoted date"),
    ("nan", drug(DOSE.format(fields="times: .nan")), 8, "not a finite number"),
    ("inf", drug(DOSE.format(fields="times: .inf")), 8, "not a finite number"),
    ("float overflow", EVIDENCE + "    endpoints:\n      - {name: x, origin: source, cite: [statpearls-lms-2020], values: [1e999], unit: percent}\n",
     9, "not a finite number"),
    ("5000 digits", drug(DOSE.format(fields="times: " + "9" * 5000)), 8, "characters; the limit is 40"),
    ("escape ESC", HEAD + '    mechanism: "\\e[2J"\n', 7, "U+001B (written as an escape)"),
    ("escape BEL", HEAD + '    mechanism: "\\x07"\n', 7, "U+0007"),
    ("escape CSI", HEAD + '    mechanism: "\\x9b31m"\n', 7, "U+009B"),
    ("escape RLO", HEAD + '    mechanism: "\\u202e"\n', 7, "U+202E"),
    ("raw ESC", HEAD + "    mechanism: a\x1bb\n", 7, "U+001B"),
    ("raw bidi", HEAD + "    mechanism: a\u2066b\n", 7, "U+2066"),
    ("zero-width space in an alias", HEAD + "    aliases: [dox\u200bil]\n", 7, "U+200B"),
    ("BOM", "\ufeff" + HEAD, 1, "U+FEFF"),
    ("lone CR", HEAD + "    mechanism: a\rb\n", 7, "U+000D"),
    ("two documents", HEAD + "---\nx: 1\n", 7, "one YAML document"),
    ("number key", HEAD + "    1: x\n", 7, "keys must be text"),
    ("mapping key", HEAD + "    ? {a: 1}\n    : x\n", 7, "keys must be text"),
    ("too deep", HEAD + "    mechanism: " + "[" * 40 + "]" * 40 + "\n", 7, "nesting deeper"),
    ("syntax", HEAD + "    aliases: [a, b\n", 8, "YAML syntax"),
    ("top-level list", "- a\n- b\n", 1, "top level must be a mapping"),
    ("empty file", "", 1, "empty file"),
    ("comment only", "# nothing\n", 1, "empty file"),
    # ---------------------------------------------------------------- schema
    ("unknown top key", HEAD + "drug:\n  x: 1\n", 7, "unknown top-level key 'drug'"),
    ("unknown drug key", HEAD + "    colour: red\n", 7, "unknown key 'colour'"),
    ("missing required", "drugs:\n  testdrug:\n    name: T\n    lms_status: off-label\n    cite: [statpearls-lms-2020]\n", 2,
     "missing required key 'summary'"),
    ("bad enum", HEAD.replace("off-label", "maybe"), 4, "'maybe' is not one of"),
    ("bad id", HEAD.replace("  testdrug:", "  Test_Drug:"), 2, "not a valid id"),
    ("unknown reference", HEAD.replace("statpearls-lms-2020", "statpearls-2020"), 6, "unknown reference 'statpearls-2020'"),
    ("empty cite", HEAD.replace("[statpearls-lms-2020]", "[]"), 6, "needs at least 1"),
    ("repeated list item", HEAD + "    aliases: [x, x]\n", 7, "repeats an item"),
    ("quantity without unit", drug(DOSE.format(fields="amount: '12'")), 8, "cannot read '12'"),
    ("unknown unit", drug(DOSE.format(fields="amount: 12 gm/m2")), 8, "did you mean g/m2"),
    ("number where quantity", drug(DOSE.format(fields="amount: 12")), 8, "written with its unit"),
    ("dose in minutes", drug(DOSE.format(fields="amount: 90 min")), 8, "must be a dose"),
    ("duration in mg/m2", drug(DOSE.format(fields="duration: 12 mg/m2")), 8, "must be a time"),
    ("duration limit in mg/m2", drug(LIMIT.format(scope="duration", sev="soft", max="12 mg/m2")), 8, "must be written as a time"),
    ("dose limit in minutes", drug(LIMIT.format(scope="per-dose", sev="hard", max="90 min")), 8, "must be written as a mass"),
    ("rate limit in mg", drug(LIMIT.format(scope="rate", sev="hard", max="12 mg")), 8, "must be written as a rate"),
    ("cumulative per kg", drug(LIMIT.format(scope="cumulative", sev="hard", max="12 mg/kg")), 8, "not per kg"),
    ("unknown scope", drug(LIMIT.format(scope="weekly", sev="hard", max="12 mg")), 8, "'weekly' is not one of"),
    ("counts off cumulative", HEAD + "    limits:\n      - {scope: per-dose, severity: hard, max: 5 mg, basis: b, counts: [testdrug], cite: [statpearls-lms-2020]}\n",
     8, "counts and in_terms_of are for cumulative limits only"),
    ("counts unknown class", HEAD + "    limits:\n      - {scope: cumulative, severity: hard, max: 5 mg/m2, basis: b, counts: [vinca], cite: [statpearls-lms-2020]}\n",
     2, "neither a drug nor a drug class"),
    ("soft above hard", drug("    limits:\n      - {scope: per-dose, severity: hard, max: 5 mg, basis: b, cite: [statpearls-lms-2020]}\n"
                             "      - {scope: per-dose, severity: soft, max: 9 mg, basis: b, cite: [statpearls-lms-2020]}\n"), 7, "above hard limit"),
    ("two standard doses", drug("    doses:\n      - {context: a, schedule: s, status: label, standard: true, cite: [statpearls-lms-2020]}\n"
                                "      - {context: b, schedule: s, status: label, standard: true, cite: [statpearls-lms-2020]}\n"), 7,
     "at most one dose may be marked standard"),
    ("low above amount", drug(DOSE.format(fields="amount: 5 mg, low: 9 mg")), 8, "may not be above it"),
    ("days out of order", drug(DOSE.format(fields="days: [8, 1]")), 8, "increasing order"),
    ("day zero", drug(DOSE.format(fields="days: [0]")), 8, "cycle days from 1"),
    ("negative count", drug(DOSE.format(fields="times: -2")), 8, "whole number"),
    ("times too many", drug(DOSE.format(fields="times: 30")), 8, "1 to 24"),
    ("cycle of zero days", drug(DOSE.format(fields="cycle_days: 0")), 8, "1 to 366"),
    ("daily and days", drug(DOSE.format(fields="daily: true, days: [1]")), 8, "either daily"),
    ("fraction without percent", drug(DOSE.format(fields="fraction_of: testdrug")), 8, "go together"),
    ("route not the drug's", HEAD + "    route: [oral]\n" + DOSE.format(fields="route: iv, amount: 5 mg"), 8, "not among the drug's routes"),
    ("text too long", HEAD + "    mechanism: " + "a" * 4100 + "\n", 7, "longer than 4000"),
    ("bool for text", HEAD + "    mechanism: true\n", 7, "expected text"),
    ("bad date", "references:\n  r1:\n    kind: article\n    verified: partial\n    date: \"2019-13-01\"\n", 5, "not a date"),
    ("replace nothing", "references:\n  r1:\n    kind: article\n    verified: partial\n    replace: true\n", 2, "no built-in entry"),
    ("clash with built-in id", HEAD.replace("  testdrug:", "  doxorubicin:"), 2, "already exists in the built-in base"),
    ("alias clash", HEAD + "    aliases: [doxil]\n", 2, "the name 'doxil' is already used by drug"),
    ("knowledge in an extra file", "knowledge:\n  name: x\n", 1, "only the built-in base may declare"),
    ("arms mismatch", EVIDENCE + "    arms: [a, b]\n    endpoints:\n      - {name: x, origin: source, cite: [statpearls-lms-2020], values: [1, 2, 3], unit: percent}\n",
     9, "3 figures for 2 arms"),
    ("range of three", EVIDENCE + "    endpoints:\n      - {name: x, kind: range, origin: source, cite: [statpearls-lms-2020], values: [1, 2, 3], unit: percent}\n",
     9, "a range is two numbers"),
    ("favoured arm missing", EVIDENCE + "    arms: [a]\n    favoured_arm: 3\n", 9, "does not exist"),
    ("ci reversed", EVIDENCE + "    endpoints:\n      - {name: x, origin: source, cite: [statpearls-lms-2020], effect: {measure: hazard-ratio, value: 0.5, ci: [0.7, 0.4]}}\n",
     9, "low then high"),
    ("figures without unit", EVIDENCE + "    endpoints:\n      - {name: x, origin: source, cite: [statpearls-lms-2020], values: [4]}\n", 9,
     "figures need a unit"),
]


def test_corpus_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize("name, text, line, words", CASES, ids=[c[0] for c in CASES])
def test_hostile_knowledge_file_is_refused_with_file_and_line(tmp_path, name, text, line, words):
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        loader.load([str(path)])
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}:{line}:") and words in p for p in problems), problems


def test_invalid_utf8_and_oversize(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(HEAD.encode() + b"    mechanism: \xff\n")
    with pytest.raises(KnowledgeError) as info:
        loader.load([str(bad)])
    assert str(info.value.problems[0]).startswith(f"{bad}:7: not valid UTF-8")
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        loader.load([str(big)])
    assert str(info.value.problems[0]).startswith(f"{big}:1: file is larger than")


def test_a_file_changed_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "moving.yaml"
    path.write_text(HEAD, encoding="utf-8")
    real = validate._read_all

    def rewrite_while_reading(handle):
        data = real(handle)
        if handle.name == str(path):
            path.write_text(HEAD + "    mechanism: rewritten meanwhile\n", encoding="utf-8")
        return data

    monkeypatch.setattr(validate, "_read_all", rewrite_while_reading)
    with pytest.raises(KnowledgeError) as info:
        loader.load([str(path)])
    assert any("changed while it was read" in str(p) for p in info.value.problems)


@pytest.mark.parametrize("make, words", [
    (lambda d: "", "empty --kb path"),
    (lambda d: str(d / "missing.yaml"), "no such knowledge file"),
    (lambda d: (d / "f").mkdir() or str(d / "f"), "no .yaml or .yml files"),
])
def test_bad_kb_paths_are_usage_errors(tmp_path, make, words):
    from lmsrx.errors import UsageError

    with pytest.raises(UsageError, match=words):
        loader.load([make(tmp_path)])


def test_folder_rules(tmp_path):
    import os

    from lmsrx.errors import UsageError

    (tmp_path / "a.YAML").write_text(HEAD, encoding="utf-8")  # any case of the suffix counts
    assert "testdrug" in loader.load([str(tmp_path)]).drugs
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(UsageError, match="not a regular file"):
        loader.load([str(tmp_path)])
    os.remove(tmp_path / "pipe.yaml")
    os.symlink(tmp_path, tmp_path / "loop")
    with pytest.raises(UsageError, match="symbolic link to a folder is not followed"):
        loader.load([str(tmp_path)])
