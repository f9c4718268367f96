"""Small crafted datasets for the anonymity tests, cut from the bundled example.

:func:`crafted` copies two organisations (Kuusikoski, Pohjala) and two waves
(2023, 2024) of ``data/raw/example`` into a folder, lets a test change the
tables, and writes a dataset folder the library reads like any other. Every
change is made to the raw answers, so the expected figures follow from the
answers by hand (see each test's docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
ORGS = ("Kuusikoski", "Pohjala")
WAVES = ("2023", "2024")
QWL = [f"qwl_{i:02d}" for i in range(1, 16)]
UWES = [f"uwes_{i}" for i in range(1, 10)]
WHO5 = [f"who5_{i}" for i in range(1, 6)]


@dataclass
class Tables:
    """The raw tables of a crafted dataset (strings as read, waves as str)."""

    survey: pd.DataFrame
    units: pd.DataFrame
    hr: pd.DataFrame
    finance: pd.DataFrame

    def rows(self, org: str, unit: str, wave: str = "2024") -> pd.Index:
        s = self.survey
        return s.index[(s["org"] == org) & (s["unit"] == unit) & (s["wave"] == wave)]

    def blank(self, org: str, unit: str, *, keep: int = 0, wave: str = "2024") -> None:
        """Blank every item of all but ``keep`` respondents of a unit (they skipped it)."""
        rows = self.rows(org, unit, wave)[keep:]
        self.survey.loc[rows, [*QWL, *UWES, *WHO5]] = pd.NA

    def add_unit(
        self,
        org: str,
        unit: str,
        n: int,
        *,
        like: tuple[str, str] = ("Pohjala", "Kotihoito"),
        answers: dict[str, float] | None = None,
        invited: int | None = None,
        waves: tuple[str, ...] = WAVES,
    ) -> None:
        """A new unit with ``n`` respondents in ``waves``, answers copied from ``like``."""
        for wave in waves:
            source = self.survey.loc[self.rows(*like, wave=wave)[:n]].copy()
            source["org"], source["unit"] = org, unit
            source["respondent"] = [f"x-{org[:3]}-{unit[:3]}-{wave}-{i}" for i in range(n)]
            for col, value in (answers or {}).items():
                source[col] = value
            self.survey = pd.concat([self.survey, source], ignore_index=True)
            row = {"org": org, "unit": unit, "wave": wave, "invited": invited or n + 2}
            row |= {"parent": "", "sector": "muu"}
            self.units = pd.concat([self.units, pd.DataFrame([row])], ignore_index=True)

    def rename_unit(self, org: str, old: str, new: str) -> None:
        for table in (self.survey, self.units, self.hr, self.finance):
            sel = (table["org"] == org) & (table["unit"] == old)
            table.loc[sel, "unit"] = new


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(
        EXAMPLE / f"{name}.csv", dtype={"wave": "str", "period": "str", "experiment_start": "str"}
    )


def crafted(
    folder: Path,
    change: Callable[[Tables], None] | None = None,
    *,
    units: dict[str, list[str]] | None = None,
) -> Path:
    """Write a two-organisation, two-wave dataset cut from the example into ``folder``.

    Parameters
    ----------
    folder : Path
        Created; the dataset folder.
    change : callable, optional
        Called with the :class:`Tables` before they are written.
    units : dict, optional
        Keep only these units of each organisation (all by default).

    Returns
    -------
    Path
        ``folder``.
    """
    survey = _read("survey")
    survey = survey[survey["org"].isin(ORGS) & survey["wave"].isin(WAVES)].reset_index(drop=True)
    unit_list = _read("units")
    unit_list = unit_list[unit_list["org"].isin(ORGS) & unit_list["wave"].isin(WAVES)]
    unit_list = unit_list.reset_index(drop=True)
    hr = _read("hr")
    hr = hr[hr["org"].isin(ORGS) & hr["period"].isin(WAVES)].reset_index(drop=True)
    finance = _read("finance")
    finance = finance[finance["org"].isin(ORGS) & finance["period"].isin(WAVES)]
    tables = Tables(survey, unit_list, hr, finance.reset_index(drop=True))
    example = set(zip(unit_list["org"], unit_list["unit"], strict=True))
    if change is not None:
        change(tables)
    if units is not None:  # after the change, so new units may copy answers of any unit
        renamed = set(zip(tables.units["org"], tables.units["unit"], strict=True)) - example
        for name in ("survey", "units", "hr", "finance"):
            t = getattr(tables, name)
            keep = [
                pd.isna(u) or u in units.get(o, []) or (o, u) in renamed or o not in units
                for o, u in zip(t["org"], t["unit"], strict=True)
            ]
            setattr(tables, name, t[keep].reset_index(drop=True))
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("survey", "units", "hr", "finance"):
        getattr(tables, name).to_csv(folder / f"{name}.csv", index=False)
    (folder / "dataset.yaml").write_text(
        "name: crafted\n"
        "instruments: [qwl15, uwes9, who5]\n"
        "files: {survey: survey.csv, units: units.csv, hr: hr.csv, finance: finance.csv}\n"
        "wave_period: {'2023': '2023', '2024': '2024'}\n",
        encoding="utf-8",
    )
    return folder
