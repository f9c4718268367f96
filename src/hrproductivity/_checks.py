"""Checks of function arguments shared by the library's modules.

One home for the small argument checks that several modules need (a number in a
range, a share, an interval's significance level) and for the renaming of
keyword arguments with a deprecation period. Every check raises
:class:`~hrproductivity.errors.ArgumentError` naming the argument.

A column a function needs but does not find in the frame it was given is an
argument error too (:func:`check_columns`), in every module: the error policy
is written in :mod:`hrproductivity.errors`.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from hrproductivity.errors import ArgumentError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check_columns", "check_number", "check_share", "level_to_alpha", "renamed_argument"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def check_number(
    name: str,
    value: float,
    *,
    low: float = 0.0,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    what: str = "",
) -> float:
    """``value`` as a float, checked to lie in a range.

    Parameters
    ----------
    name : str
        Name of the argument, used in the message.
    value : float
        The value given.
    low, high : float, default 0 and infinity
        Bounds of the allowed range.
    low_open, high_open : bool, default False
        Whether the bound itself is excluded.
    what : str, default ""
        Unit or meaning, added to the message in brackets.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    ArgumentError
        ``value`` is not a finite number in the range.

    Examples
    --------
    >>> check_number("hours_per_day", 7.5, low_open=True, high=24.0)
    7.5
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"{name} must be a number, got {value!r}") from None
    ok = math.isfinite(x)
    ok = ok and (x > low if low_open else x >= low)
    ok = ok and (x < high if high_open else x <= high)
    if not ok:
        lo = f"{low:g} {'<' if low_open else '≤'} "
        hi = "" if math.isinf(high) else f" {'<' if high_open else '≤'} {high:g}"
        suffix = f" ({what})" if what else ""
        raise ArgumentError(f"{name} must satisfy {lo}{name}{hi}{suffix}, got {value!r}")
    return x


def check_columns(
    data: pd.DataFrame,
    table: str = "data",
    /,
    **arguments: Hashable | Iterable[Hashable] | None,
) -> None:
    """Raise one :class:`~hrproductivity.errors.ArgumentError` naming every missing column.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame the function was given.
    table : str, default "data"
        Name of that frame (the function's argument), used in the message
        (positional, so that any argument name can follow).
    **arguments
        For each argument (or role) that names columns, its column name or names;
        None names none.

    Raises
    ------
    ArgumentError
        A named column is not in ``data``; the message names the argument, the
        column and the columns ``data`` has.

    Examples
    --------
    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"unit": ["A"]}), by="unit")
    >>> check_columns(pd.DataFrame({"unit": ["A"]}), by=["org", "unit"])
    Traceback (most recent call last):
    ...
    hrproductivity.errors.ArgumentError: by: column 'org' is not in data (columns: unit)
    """
    problems = []
    for argument, value in arguments.items():
        if value is None:
            continue
        names = [value] if isinstance(value, str) or not isinstance(value, Iterable) else value
        for name in names:
            if name not in data.columns:
                problems.append(f"{argument}: column {name!r} is not in {table}")
    if problems:
        cols = ", ".join(map(str, data.columns[:30]))
        more = " …" if len(data.columns) > 30 else ""
        raise ArgumentError("; ".join(problems) + f" (columns: {cols}{more})")


def check_share(name: str, value: float, *, what: str = "a share, 0–1") -> float:
    """``value`` as a float in [0, 1] (see :func:`check_number`)."""
    return check_number(name, value, low=0.0, high=1.0, what=what)


def level_to_alpha(name: str) -> Callable[[Any], float]:
    """Converter from an old confidence-level argument (0.95) to ``alpha`` (0.05).

    Parameters
    ----------
    name : str
        The old argument's name, used in the message when the level is not in (0, 1).

    Returns
    -------
    callable
        ``level -> 1 - level``, for :func:`renamed_argument`.
    """

    def convert(level: Any) -> float:
        return 1.0 - check_number(name, level, low_open=True, high=1.0, high_open=True)

    return convert


def renamed_argument(
    old: str, new: str, convert: Callable[[Any], Any] | None = None, hint: str = "..."
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator keeping the keyword argument ``old`` working as ``new`` for one release.

    A call with ``old=value`` warns with a :class:`DeprecationWarning` that names
    ``new`` and runs as ``new=convert(value)``. Giving both is an error.

    Parameters
    ----------
    old, new : str
        The old and the new keyword.
    convert : callable, optional
        Maps an old value to the new argument's scale (e.g. a confidence level
        0.95 to the significance level 0.05, :func:`level_to_alpha`).
    hint : str, default "..."
        What to write after ``new=`` in the warning (e.g. ``"1 - ci"``).

    Returns
    -------
    callable
        The decorator.

    Raises
    ------
    ArgumentError
        (from the decorated function) both ``old`` and ``new`` are given.
    """

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if old in kwargs:
                if new in kwargs:
                    raise ArgumentError(f"give {new}= only ({old}= is its deprecated old name)")
                where = func.__qualname__.removesuffix(".__init__")
                warnings.warn(
                    f"{where}({old}=...) is deprecated and will be removed; use {new}={hint}",
                    DeprecationWarning,
                    stacklevel=2,
                )
                value = kwargs.pop(old)
                kwargs[new] = convert(value) if convert is not None else value
            return func(*args, **kwargs)

        return wrapper

    return decorate
