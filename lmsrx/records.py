"""Record classes made cheaply: the part of :mod:`dataclasses` that lmsrx uses, at a fraction of its start-up.

``dataclasses`` compiles six methods per class when the class is made (and imports ``inspect``): about
0.8 ms a class, 25 ms for lmsrx's records on every start. Here a class gets its ``__init__`` compiled on
first use, and shares one ``__eq__``, ``__hash__`` and ``__repr__`` that read its field list. The
behaviour is that of ``@dataclass`` for what lmsrx uses: fields from the class annotations in order,
``field(default=, default_factory=, metadata=, compare=, repr=)``, ``frozen=True`` (assignment raises;
equal records hash equal), ``__post_init__``, and :func:`fields`, :func:`is_record`, :data:`MISSING`.
No inheritance between records, no ``ClassVar``/``InitVar``, no ordering: lmsrx has none.
"""
from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers read @record as @dataclass (PEP 681); nothing of typing is run for it
    from typing import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Any:
        return lambda decorated: decorated

MISSING = type("Missing", (), {"__repr__": lambda self: "MISSING", "__slots__": ()})()
_EMPTY: dict = {}


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    __slots__ = ("name", "type", "default", "default_factory", "metadata", "compare", "repr")

    def __init__(self, default=MISSING, default_factory=MISSING, metadata=None, compare=True, repr=True):
        self.name = self.type = None
        self.default, self.default_factory = default, default_factory
        self.metadata = metadata if metadata is not None else _EMPTY
        self.compare, self.repr = compare, repr

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


def field(*, default: Any = MISSING, default_factory: Any = MISSING, metadata: Any = None, compare: bool = True,
          repr: bool = True) -> Any:
    """As :func:`dataclasses.field`."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, metadata, compare, repr)


@dataclass_transform(field_specifiers=(field,))
def record(cls: Any = None, *, frozen: bool = False) -> Any:
    """As ``@dataclass`` / ``@dataclass(frozen=True)`` (see the module's note)."""
    def make(cls):
        found = []
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            value = cls.__dict__.get(name, MISSING)
            spec = value if isinstance(value, Field) else Field(default=value)
            spec.name, spec.type = name, annotation
            if isinstance(spec.default, (list, dict, set)):  # as dataclasses: one object shared by every record
                raise ValueError(f"mutable default for field {name}: use field(default_factory=...)")
            if spec.default is spec.default_factory is MISSING and any(
                    f.default is not MISSING or f.default_factory is not MISSING for f in found):
                raise TypeError(f"non-default field {name!r} follows a default field")
            if isinstance(value, Field):
                if spec.default is MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, spec.default)
            found.append(spec)
        cls.__record_fields__ = tuple(found)
        cls.__record_compare__ = tuple(f.name for f in found if f.compare)
        cls.__record_values__ = _values_of(cls.__record_compare__)
        cls.__init__ = _lazy_init(cls)
        cls.__repr__ = _repr
        cls.__eq__ = _eq
        if frozen:
            cls.__setattr__ = _frozen_setattr
            cls.__delattr__ = _frozen_delattr
            cls.__hash__ = _hash
        else:
            cls.__hash__ = None  # as a mutable dataclass: equal by value, so not hashable
        return cls

    return make if cls is None else make(cls)


def fields(obj) -> tuple:
    """The fields of a record or record class, in order (as :func:`dataclasses.fields`)."""
    try:
        return obj.__record_fields__
    except AttributeError:
        raise TypeError("must be called with a record type or instance") from None


def is_record(obj) -> bool:
    """A record class or instance (as :func:`dataclasses.is_dataclass`)."""
    return hasattr(obj if isinstance(obj, type) else type(obj), "__record_fields__")


def _lazy_init(cls):
    def __init__(self, *args, **kwargs):
        if cls.__init__ is __init__:
            cls.__init__ = _make_init(cls)
        cls.__init__(self, *args, **kwargs)

    return __init__


def _make_init(cls):
    """``__init__`` compiled for the class, as dataclasses writes it (factories called per instance)."""
    params, body, namespace = [], [], {"_MISSING": MISSING}
    for f in cls.__record_fields__:
        if f.default_factory is not MISSING:
            namespace[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f" _d[{f.name!r}] = _f_{f.name}() if {f.name} is _MISSING else {f.name}")
        else:
            if f.default is not MISSING:
                namespace[f"_d_{f.name}"] = f.default
                params.append(f"{f.name}=_d_{f.name}")
            else:
                params.append(f.name)
            body.append(f" _d[{f.name!r}] = {f.name}")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n _d = self.__dict__\n" + "\n".join(body) + "\n"
    exec(source, namespace)  # noqa: S102 - source built from the class's own field names only
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _repr(self) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _values_of(names: tuple[str, ...]) -> Any:
    """A function giving a record's compared values as one tuple, in C (records are keys of batch memos)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return lambda obj: ()


def _eq(self, other):
    if other is self:
        return True
    if other.__class__ is not self.__class__:
        return NotImplemented
    values = type(self).__record_values__
    return values(self) == values(other)


def _hash(self) -> int:
    return hash(type(self).__record_values__(self))


def _frozen_setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def replace(obj, **changes):
    """A copy of a record with some fields changed (as :func:`dataclasses.replace`)."""
    values = {f.name: getattr(obj, f.name) for f in obj.__record_fields__}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"no field {sorted(unknown)[0]!r}")
    return type(obj)(**{**values, **changes})
