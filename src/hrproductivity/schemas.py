"""pandera schemas for the four tables of the data contract (docs/data-contract.md).

Each schema checks one table after its columns have been mapped and its text
parsed into numbers; :mod:`hrproductivity.io` turns pandera's failure cases
into :class:`~hrproductivity.errors.Problem` lines that name the file, row and
column. Checks across rows or tables (duplicates, units missing from the unit
list, more respondents than invited) live in :func:`hrproductivity.io.validate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

from hrproductivity._files import UNSAFE_PART
from hrproductivity.instruments import Instrument

__all__ = [
    "BACKGROUND_COLUMNS",
    "DAYS_PER_YEAR",
    "FTE_PER_PERSON_MAX",
    "FULL_TIME_HOURS",
    "HOURS_PER_YEAR",
    "LARGEST_AMOUNT",
    "TableSpec",
    "finance_schema",
    "hr_schema",
    "responses_schema",
    "table_spec",
    "units_schema",
    "empty_frame",
]

BACKGROUND_COLUMNS = ("role", "age_group", "tenure_group", "gender")
_NOT_WHOLE = "is not a whole number; it counts people or events"

# Bounds of what an HR or finance row can hold (docs/data-checks.md). An HR row
# covers one unit for one period of at most a year.
#: Calendar days a person can be absent or in training in a period.
DAYS_PER_YEAR = 365
#: Hours a year has: no person works more overtime than that.
HOURS_PER_YEAR = 8760
#: FTE above this multiple of headcount is refused (FTE over the period may exceed
#: a headcount taken at its end when staff left, but not by half again).
FTE_PER_PERSON_MAX = 1.5
#: The plausible range of ``theoretical_hours_per_fte``: the annual working hours of
#: one full-time person (1 850 by default; Finnish collective agreements 1 600–1 950).
FULL_TIME_HOURS = (1000.0, 2500.0)
#: No count, day, hour or euro figure of one unit or organisation reaches 10^12
#: (the whole Finnish state budget is below 10^11 €).
LARGEST_AMOUNT = 1e12
_TOO_LARGE = (
    "is too large to be real (more than 10^12); check the cell, e.g. for digits "
    "typed twice or a cell formatted as a date"
)


@dataclass(frozen=True)
class TableSpec:
    """Which columns a table must, may and may not have, and their kinds."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()  # free columns allowed by prefix, e.g. comment_
    filled: tuple[str, ...] = ()  # number columns whose cells may not be empty

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional

    def allows(self, column: str) -> bool:
        return column in self.known or (bool(self.prefixes) and column.startswith(self.prefixes))


_HR_NUMBERS = (
    "fte",
    "headcount",
    "sick_days",
    "sick_spells",
    "other_absence_days",
    "training_days",
    "leavers",
    "staff_costs_eur",
    "theoretical_hours_per_fte",
    "overtime_hours",
    "purchased_services_eur",
)
_FINANCE_NUMBERS = (
    "revenue_eur",
    "variable_costs_eur",
    "other_fixed_costs_eur",
    "output_volume",
)


def table_spec(kind: str, instruments: Sequence[Instrument] = ()) -> TableSpec:
    """The column specification of table ``kind`` (survey, units, hr, finance)."""
    if kind == "survey":
        items = tuple(i for ins in instruments for i in ins.item_ids)
        return TableSpec(
            required=("org", "unit", "wave", "respondent", *items),
            optional=BACKGROUND_COLUMNS,
            numeric=items,
            text=("org", "unit", "wave", "respondent", *BACKGROUND_COLUMNS),
            key=("org", "wave", "respondent"),
            prefixes=("comment_",),
        )
    if kind == "units":
        return TableSpec(
            required=("org", "unit", "wave", "invited"),
            optional=("parent", "sector", "experiment_start"),
            numeric=("invited",),
            integer=("invited",),
            text=("org", "unit", "wave", "parent", "sector", "experiment_start"),
            key=("org", "unit", "wave"),
        )
    if kind == "hr":
        return TableSpec(
            required=("org", "unit", "period", *_HR_NUMBERS[:8]),
            optional=_HR_NUMBERS[8:],
            numeric=_HR_NUMBERS,
            integer=("headcount", "sick_spells", "leavers"),
            text=("org", "unit", "period"),
            key=("org", "unit", "period"),
            filled=_HR_NUMBERS[:8],
        )
    if kind == "finance":
        return TableSpec(
            required=("org", "unit", "period", *_FINANCE_NUMBERS[:3]),
            optional=("output_volume", "output_unit"),
            numeric=_FINANCE_NUMBERS,
            text=("org", "unit", "period", "output_unit"),
            key=("org", "unit", "period"),
        )
    raise ValueError(f"unknown table kind {kind!r}; choose survey, units, hr or finance")


def _id(nullable: bool = False) -> pa.Column:
    import pandera.pandas as pa

    return pa.Column(
        str,
        pa.Check(lambda s: s.str.strip().str.len() > 0, error="is empty"),
        nullable=nullable,
        required=True,
    )


def _label() -> pa.Column:
    """A wave or period label: it names report folders, so no path can hide in it."""
    import pandera.pandas as pa

    column = _id()
    unsafe = pa.Check(
        lambda s: ~s.str.contains(UNSAFE_PART),
        error="cannot name a report folder; wave and period labels may not contain '/', "
        "'\\', '..' or control characters (e.g. 2024 or 2024-syksy)",
    )
    return column.set_checks([*column.checks, unsafe])


def _non_negative(
    required: bool = True, *, integer: bool = False, nullable: bool = True
) -> pa.Column:
    import pandera.pandas as pa

    checks = [
        pa.Check.ge(0, error="is negative; it must be 0 or more"),
        pa.Check.le(LARGEST_AMOUNT, error=_TOO_LARGE),
    ]
    if integer:
        checks.append(pa.Check(lambda s: s == s.round(), error=_NOT_WHOLE))
    return pa.Column(float, checks, nullable=nullable, required=required)


def responses_schema(instruments: Sequence[Instrument]) -> pa.DataFrameSchema:
    """Schema of the survey table: ids present, answers whole numbers on each instrument's scale."""
    import pandera.pandas as pa

    columns: dict[str, pa.Column] = {c: _id() for c in ("org", "unit", "respondent")}
    columns["wave"] = _label()
    for c in BACKGROUND_COLUMNS:
        columns[c] = pa.Column(str, nullable=True, required=False)
    for ins in instruments:
        lo, hi = ins.scale_min, ins.scale_max
        for item in ins.item_ids:
            columns[item] = pa.Column(
                float,
                [
                    pa.Check.in_range(
                        lo,
                        hi,
                        error=f"is outside the {ins.name} answer scale {lo}–{hi}; correct it, "
                        "or leave the cell empty if it means no answer",
                    ),
                    pa.Check(
                        lambda s: s == s.round(),
                        error=f"is not a whole number; {ins.name} answers are whole points "
                        f"{lo}–{hi}",
                    ),
                ],
                nullable=True,
            )
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def units_schema() -> pa.DataFrameSchema:
    """Schema of the unit list: ids present, ``invited`` a whole number ≥ 0.

    ``experiment_start`` (optional) is checked against the survey waves across
    tables, in :func:`hrproductivity.io.validate`.
    """
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "org": _id(),
            "unit": _id(),
            "wave": _label(),
            "invited": pa.Column(
                float,
                [
                    pa.Check.ge(0, error="is negative; it must be 0 or more"),
                    pa.Check.le(LARGEST_AMOUNT, error=_TOO_LARGE),
                    pa.Check(lambda s: s == s.round(), error=_NOT_WHOLE),
                ],
                nullable=False,
            ),
            "parent": pa.Column(str, nullable=True, required=False),
            "sector": pa.Column(str, nullable=True, required=False),
            "experiment_start": pa.Column(str, nullable=True, required=False),
        },
        strict=False,
    )


def hr_schema() -> pa.DataFrameSchema:
    """Schema of the HR register: FTE, days, counts and costs never negative, never empty
    in a required column (an empty cell is not zero: the figures of the unit would be wrong)."""
    import pandera.pandas as pa

    spec = table_spec("hr")
    columns: dict[str, pa.Column] = {"org": _id(), "unit": _id(), "period": _label()}
    for c in spec.numeric:
        columns[c] = _non_negative(
            c in spec.required, integer=c in spec.integer, nullable=c not in spec.filled
        )
    return pa.DataFrameSchema(columns, strict=False)


def finance_schema() -> pa.DataFrameSchema:
    """Schema of the finance table: ``unit`` may be empty (an organisation-level row)."""
    import pandera.pandas as pa

    spec = table_spec("finance")
    columns: dict[str, pa.Column] = {"org": _id(), "unit": _id(nullable=True), "period": _label()}
    for c in spec.numeric:
        columns[c] = _non_negative(c in spec.required)
    columns["output_unit"] = pa.Column(str, nullable=True, required=False)
    return pa.DataFrameSchema(columns, strict=False)


def empty_frame(kind: str, instruments: Sequence[Instrument] = ()) -> pd.DataFrame:
    """A table with the contract's required columns and no rows."""
    spec = table_spec(kind, instruments)
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c in spec.numeric else "str") for c in spec.required}
    )
