"""A lighter stand-in for ``@dataclass`` for dfopt's many small objects (parser nodes first).

Why not dataclasses: a parse creates a node object per line, and a frozen dataclass spends most of
its ``__init__`` in ``object.__setattr__`` (about four times the cost of plain attribute
assignment); creating each dataclass at import also costs start-up time that ``dfopt parse`` on
one file notices. A :class:`Record` subclass lists its attributes in ``__slots__``, writes a plain
``__init__`` whose parameters are its fields, in order, and gets from here what ``@dataclass``
generated before: ``__eq__`` over the fields (objects of the same class only), ``__hash__`` over
the fields for value objects, ``__repr__`` in the dataclass format and ``__match_args__``.

Records are not frozen: nothing in dfopt assigns to a parsed node, and enforcing it would bring the
``object.__setattr__`` cost back.
"""

from __future__ import annotations

from operator import attrgetter


class Record:
    """Base class: the fields are the parameters of ``__init__`` (each stored under its name).

    Class keyword ``eq``: ``"value"`` (default) compares and hashes by fields like a frozen
    dataclass; ``"mutable"`` compares by fields and is unhashable like a plain dataclass;
    ``"identity"`` keeps object identity like ``@dataclass(eq=False)``.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls, eq: str = "value", **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__init__.__code__
        cls._fields = code.co_varnames[1 : code.co_argcount]
        cls.__match_args__ = cls._fields
        if not _defines_own_values(cls):
            cls._values = _values_getter(cls._fields)  # type: ignore[method-assign]
        if eq == "identity":
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]
        elif eq == "mutable":
            cls.__hash__ = None  # type: ignore[assignment]
        elif eq != "value":
            raise ValueError(f"unknown eq={eq!r}")

    def _values(self) -> tuple[object, ...]:
        """The field values in order: what eq, hash and ordering compare.

        Each subclass gets a faster equivalent from ``_values_getter``, unless it (or a parent
        below Record) defines ``_values`` itself, e.g. to leave a derived field out."""
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def replace(self, **changes: object) -> Record:
        """A copy with some fields changed, like ``dataclasses.replace``."""
        values = {name: getattr(self, name) for name in self._fields}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{self.__class__.__qualname__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return self.__class__(**values)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"


class FieldOrder:
    """Mixin for a :class:`Record`: ``<``, ``<=``, ``>``, ``>=`` compare the fields in order,
    against an object of the same class only, like an ``order=True`` dataclass."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() < other._values()  # type: ignore[attr-defined]

    def __le__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() <= other._values()  # type: ignore[attr-defined]

    def __gt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() > other._values()  # type: ignore[attr-defined]

    def __ge__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() >= other._values()  # type: ignore[attr-defined]


def _defines_own_values(cls: type) -> bool:
    """Whether ``cls`` or a parent below Record wrote its own ``_values`` (not a generated one)."""
    for base in cls.__mro__[: cls.__mro__.index(Record)]:
        own = base.__dict__.get("_values")
        if own is not None and not getattr(own, "generated", False):
            return True
    return False


def _values_getter(fields: tuple[str, ...]):
    """A ``_values`` method for these fields built on ``operator.attrgetter``.

    Why: records are compared and hashed often (sets of findings, edits sorted, dict keys), and
    attrgetter reads all fields in C, about four times faster than a generator of ``getattr``.
    """
    get = attrgetter(*fields) if fields else None

    def values(self: Record) -> tuple[object, ...]:
        if len(fields) > 1:
            return get(self)  # type: ignore[misc]
        # attrgetter of one name returns the value itself, not a 1-tuple
        return (get(self),) if fields else ()  # type: ignore[misc]

    values.generated = True  # type: ignore[attr-defined]
    return values
