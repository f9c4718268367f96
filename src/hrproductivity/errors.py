"""The exceptions and warnings of hrproductivity.

One small tree, so that callers can catch everything the library raises on
purpose with :class:`HRProductivityError` while programming errors still show
as ordinary Python exceptions.

The policy for bad input, the same in every module:

- :class:`ArgumentError` when a function is called wrongly: an argument out of
  its range or of the wrong kind, or a column the function needs (or that an
  argument names) missing from the frame it was given. The message names the
  argument and the column. The checks live in one module, ``_checks``.
- :class:`DataValidationError` when the *contents* of the data break the data
  contract: values off the scale, negative counts, duplicated keys. Its
  ``problems`` list each :class:`Problem` with the file (or table), the row where
  it is known and the column, as a spreadsheet user finds it.

Both derive from :class:`HRProductivityError` and :class:`ValueError`, so a
caller who catches either base catches both.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ArgumentError",
    "DataValidationError",
    "HRProductivityError",
    "HRProductivityWarning",
    "InstrumentError",
    "ModelFitError",
    "ModelWarning",
    "Problem",
    "ReportError",
    "UnknownNameError",
]


class HRProductivityError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in an input file.

    ``row`` is 1-based as a spreadsheet shows it (the header is row 1, so the
    first data row is row 2); ``None`` when the problem concerns the whole file
    or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataValidationError(HRProductivityError, ValueError):
    """Input data broke the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_problem_sort_key)
        n = len(self.problems)
        head = "\n".join(str(p) for p in self.problems[:50])
        more = f"\n… and {n - 50} more" if n > 50 else ""
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the input data:\n{head}{more}")


def _problem_sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.row if p.row is not None else 0, p.column or "", p.message)


class ArgumentError(HRProductivityError, ValueError):
    """An argument is out of its allowed range or kind; the message names it and the range."""


class InstrumentError(HRProductivityError, ValueError):
    """An instrument definition (YAML) is malformed; the message names the key."""


class UnknownNameError(HRProductivityError, KeyError):
    """A name (instrument, scorer, model, executor, …) is not registered.

    The message lists the names that exist.
    """

    def __init__(self, kind: str, name: object, known: list[str]) -> None:
        self.kind, self.name, self.known = kind, name, known
        super().__init__(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(known))}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class ModelFitError(HRProductivityError, RuntimeError):
    """The wrapped estimator failed on these data; the message says what to simplify."""


class ReportError(HRProductivityError):
    """A report run could not start (bad parameters, missing template or browser)."""


class HRProductivityWarning(UserWarning):
    """Base class of the library's warnings."""


class ModelWarning(HRProductivityWarning):
    """A model fitted, but something about it needs the analyst's attention."""
