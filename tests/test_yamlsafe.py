"""One test per loader hazard: each is refused with file and line."""
import pytest

from lmsrx.knowledge.yamlsafe import MAX_BYTES, MAX_DEPTH, load_yaml


def problems(text, path="x.yaml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    value, found = load_yaml(data, path)
    return value, [str(p) for p in found]


def test_plain_values_parse_with_lines():
    value, found = problems('a: 1\nb: "2019-08-15"\nc: [x, 2.5]\nd: true\n')
    assert found == []
    assert value == {"a": 1, "b": "2019-08-15", "c": ["x", 2.5], "d": True}
    assert value.key_lines == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert value["c"].item_lines == [3, 3]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
        ("a: &x [1]\nb: *x\n", 1, "anchors"),
        ("a: 1\nb: *x\n", 2, "alias"),
        ("a: 1\nb: !!python/name:os.system x\n", 2, "tags"),
        ("a: 1\nb: !custom x\n", 2, "tags"),
        ("a: 1\n2: x\n", 2, "keys must be text"),
        ("a: 1\n[x]: 2\n", 2, "keys must be text"),
        ("a: 1\nb: .nan\n", 2, "not a finite number"),
        ("a: 1\nb: -.inf\n", 2, "not a finite number"),
        ("a: 1\nb: 2024-01-02\n", 2, "unquoted date"),
        ("a: 1\nb: yes\n", 2, "YAML 1.1 boolean"),
        ("a: 1\nb: Off\n", 2, "YAML 1.1 boolean"),
        ("a: 1\nb: 021\n", 2, "ambiguous number"),
        ("a: 1\nb: 0x1F\n", 2, "ambiguous number"),
        ("a: 1\nb: 1_000\n", 2, "ambiguous number"),
        ("a: 1\nb: 1:30\n", 2, "base 60"),
        ("a: 1\nb: \"x\x1b[2Jy\"\n", 2, "U+001B"),
        ("a: 1\nb: x\x85y\n", 2, "U+0085"),
        ("a: 1\n\nb: \"abc\u202edef\"\n", 3, "U+202E"),
        ("a: 1\nb: x\u2066y\n", 2, "U+2066"),
        ("a: [1\nb: 2\n", 2, "YAML syntax"),
        ("a: 1\n---\nb: 2\n", 2, "one YAML document"),
    ],
)
def test_hazard_refused_with_file_and_line(text, line, words):
    value, found = problems(text)
    assert value is None
    assert len(found) >= 1
    assert found[0].startswith(f"x.yaml:{line}: "), found
    assert words in found[0]


def test_deep_nesting_refused_fast_without_crash():
    value, found = problems("a: " + "[" * 1_000_000)
    assert value is None and found
    assert "nesting" in found[0] or "YAML syntax" in found[0]


def test_nesting_limit_counts_block_mappings():
    text = "".join(" " * i + "k:\n" for i in range(MAX_DEPTH + 2)) + " " * (MAX_DEPTH + 2) + "v\n"
    value, found = problems(text)
    assert value is None and "nesting deeper" in found[0]


def test_file_size_capped():
    value, found = problems(b"a: 1\n" + b"#" * MAX_BYTES)
    assert value is None and "limit" in found[0] and found[0].startswith("x.yaml:1:")


def test_invalid_utf8_refused_with_line():
    value, found = problems(b"a: 1\nb: \xff\n")
    assert value is None and found == ["x.yaml:2: not valid UTF-8"]


def test_billion_laughs_refused():
    text = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    value, found = problems(text)
    assert value is None and "anchors" in found[0]


def test_quoted_forms_are_text():
    value, found = problems('a: "yes"\nb: "021"\nc: "1:30"\nd: ".nan"\n')
    assert found == [] and value == {"a": "yes", "b": "021", "c": "1:30", "d": ".nan"}


def test_crlf_line_endings_accepted_but_lone_cr_refused():
    assert problems(b"a: 1\r\nb: 2\r\n")[1] == []
    assert "U+000D" in problems(b"a: 1\rb: 2\n")[1][0]
