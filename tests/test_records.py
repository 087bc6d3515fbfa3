"""lmsrx.records behaves as dataclasses for what lmsrx uses."""
import pytest

from lmsrx.records import FrozenInstanceError, field, fields, is_record, record


@record(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = ()
    note: str = field(default="", compare=False, repr=False)


@record
class Bag:
    name: str
    items: list = field(default_factory=list)
    seen: int = 0

    def __post_init__(self):
        self.seen += 1


def test_fields_defaults_equality_hash_repr():
    assert [f.name for f in fields(Point)] == ["x", "y", "tags", "note"] and is_record(Point) and is_record(Point(1))
    assert Point(1) == Point(1, 0, (), "other") and hash(Point(1)) == hash(Point(1, note="x"))
    assert Point(1) != Point(2) and Point(1).__eq__("x") is NotImplemented
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=())"
    with pytest.raises(FrozenInstanceError):
        Point(1).x = 2
    with pytest.raises(AttributeError):
        del Point(1).y
    with pytest.raises(TypeError):
        Point()


def test_factories_are_fresh_and_post_init_runs():
    a, b = Bag("a"), Bag("b")
    a.items.append(1)
    assert b.items == [] and a.seen == b.seen == 1
    with pytest.raises(TypeError):
        hash(a)  # a mutable record is compared by value, so it is not hashable


def test_mistakes_dataclasses_refuses_are_refused():
    with pytest.raises(ValueError):
        record(type("Bad", (), {"__annotations__": {"x": "list"}, "x": []}))
    with pytest.raises(TypeError):
        record(type("Bad", (), {"__annotations__": {"x": "int", "y": "int"}, "x": 0}))
