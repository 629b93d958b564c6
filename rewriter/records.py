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
        if eq == "identity":
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]
        elif eq == "mutable":
            cls.__hash__ = None  # type: ignore[assignment]
        elif eq != "value":
            raise ValueError(f"unknown eq={eq!r}")

    def _values(self) -> tuple[object, ...]:
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
