"""One shape for the library's registries of things chosen by name.

QWL scorers (:func:`hrproductivity.scoring.qwl_scorers`), models
(:func:`hrproductivity.models.available_models`), report executors
(:func:`hrproductivity.reports.registered_executors`) and bundled instruments
(:func:`hrproductivity.instruments.bundled_instruments`) are each a
:class:`Registry`: ``register(name, obj, *, overwrite=False)``, ``get(name)``
(an unknown name raises :class:`~hrproductivity.errors.UnknownNameError` listing
the known ones) and ``names()``. The modules' own functions are thin doors to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

from hrproductivity.errors import ArgumentError, UnknownNameError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Objects registered by name.

    Parameters
    ----------
    kind : str
        What is registered, for messages (``"QWL scorer"``, ``"model"``).
    entries : mapping, optional
        Entries to start with.
    check : callable, optional
        ``check(name, obj)`` run before an object is registered; raises
        :class:`~hrproductivity.errors.ArgumentError` for an object that does
        not fit.

    Examples
    --------
    >>> r = Registry("colour", {"red": "#ff0000"})
    >>> r.register("blue", "#0000ff")
    >>> r.names()
    ['blue', 'red']
    >>> r.get("red"), "green" in r
    ('#ff0000', False)
    >>> r.get("green")
    Traceback (most recent call last):
    ...
    hrproductivity.errors.UnknownNameError: unknown colour 'green'; choose one of: blue, red
    >>> r.register("red", "#cc0000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hrproductivity.errors.ArgumentError: a colour named 'red' is already registered; ...
    >>> r.register("red", "#cc0000", overwrite=True)
    """

    def __init__(
        self,
        kind: str,
        entries: Mapping[str, T] | None = None,
        *,
        check: Callable[[str, T], None] | None = None,
    ) -> None:
        self.kind = kind
        self._check = check
        self._entries: dict[str, T] = {}
        for name, obj in (entries or {}).items():
            self.register(name, obj)

    def register(self, name: str, obj: T, *, overwrite: bool = False) -> None:
        """Register ``obj`` under ``name``; a taken name needs ``overwrite=True``."""
        if not isinstance(name, str) or not name:
            raise ArgumentError(f"name must be a non-empty string; got {name!r}")
        if self._check is not None:
            self._check(name, obj)
        if name in self._entries and not overwrite:
            raise ArgumentError(
                f"a {self.kind} named {name!r} is already registered; "
                "pass overwrite=True to replace it"
            )
        self._entries[name] = obj

    def unregister(self, name: str) -> None:
        """Remove ``name``; an unknown name raises UnknownNameError."""
        self.get(name)
        del self._entries[name]

    def get(self, name: str) -> T:
        """The object registered as ``name``.

        Raises
        ------
        UnknownNameError
            ``name`` is not registered; the message lists the names that are.
        """
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise UnknownNameError(self.kind, name, list(self._entries)) from None

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._entries)

    def copy(self) -> Registry[T]:
        """A new registry with the same entries (to change without touching this one)."""
        new: Registry[T] = Registry(self.kind, check=self._check)
        new._entries = dict(self._entries)
        return new

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self.names())})"
