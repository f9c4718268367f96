"""Read survey, unit, HR and finance files into tidy, validated tables.

Raw files are only ever read. Every problem found is collected and reported
together (:class:`~hrproductivity.errors.DataValidationError`), each naming
the file, the row as a spreadsheet shows it, and the column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hrproductivity.instruments import Instrument

__all__ = ["Dataset"]

TABLES = ("responses", "units", "hr", "finance")


@dataclass(frozen=True)
class Dataset:
    """All tables of one dataset, validated against the data contract.

    Attributes
    ----------
    name : str
        The dataset's name (its folder name unless ``dataset.yaml`` says otherwise).
    responses : DataFrame
        One row per respondent per wave: ``org``, ``unit``, ``wave``, ``respondent``,
        optional background columns, the instruments' item columns (float, NaN
        when unanswered), optional ``comment_*`` columns.
    units : DataFrame
        One row per unit per wave: ``org``, ``unit``, ``wave``, ``invited``,
        optional ``parent`` and ``sector``.
    hr : DataFrame
        One row per unit per period (see DESIGN.md §2 for the columns).
    finance : DataFrame
        One row per organisation (``unit`` missing) or unit per period.
    instruments : tuple of Instrument
        The instruments whose items the survey holds; the first is the main one.
    wave_period : mapping of str to str
        Which HR/finance period each survey wave pairs with.
    folder : Path or None
        Where the raw files were read from.
    sources : mapping of str to str
        SHA-256 of each raw file read, by file name.
    value_labels : mapping
        SPSS value labels by column, when a ``.sav`` file was read.
    truth : mapping or None
        For synthetic data: the true parameters of the generating model.
    """

    name: str
    responses: pd.DataFrame
    units: pd.DataFrame
    hr: pd.DataFrame
    finance: pd.DataFrame
    instruments: tuple[Instrument, ...]
    wave_period: Mapping[str, str]
    folder: Path | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    truth: Mapping[str, Any] | None = None

    @property
    def instrument(self) -> Instrument:
        """The main instrument (the first one declared)."""
        return self.instruments[0]

    @property
    def waves(self) -> list[str]:
        """Survey waves in sorted order."""
        return sorted(self.responses["wave"].unique().tolist())

    @property
    def orgs(self) -> list[str]:
        return sorted(self.units["org"].unique().tolist())

    def table(self, name: str) -> pd.DataFrame:
        """One of ``responses``, ``units``, ``hr``, ``finance`` by name."""
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
        frame: pd.DataFrame = getattr(self, name)
        return frame
