"""A value whose ``repr`` and ``str`` never show what it holds."""

from __future__ import annotations


class Secret:
    """Wraps a credential (SK, password, token). Only ``reveal()`` gives the text back."""

    __slots__ = ("_value", "origin")

    def __init__(self, value: str, *, origin: str = "") -> None:
        self._value = value
        self.origin = origin
        """The environment variable the value was read from; '' when it came from the file or
        the user. A secret with an origin is never written to the config file."""

    def reveal(self) -> str:
        """The secret text: call only where it goes onto the wire or into the config file."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    def __str__(self) -> str:
        return "********" if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret values are not picklable")
