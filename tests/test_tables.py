"""Tests of ``unit_waves`` and ``org_waves`` on a small dataset built by hand.

Every respondent answers all 15 QWL-15 items alike, so a respondent answering v
has FE = YI = PL = v and the factor shares (v - 1) / 4; with ``qwl_method="mean"``
the respondent's QWL index is that share too. The expected values are worked out
in each test's docstring.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hrproductivity as hp
from hrproductivity import Dataset, load_instrument
from hrproductivity.errors import DataValidationError
from hrproductivity.models import ArgumentError, did

QWL15 = load_instrument("qwl15")
# (unit, wave, answer of each respondent; None: every item left empty)
ANSWERS = [
    ("a", "2023", [4, 5, 3]),
    ("a", "2024", [4, 4]),
    ("b", "2023", [2]),
    ("b", "2024", [2, 4, None]),
]


def _dataset(experiment_start: dict[str, str] | None = None) -> Dataset:
    rows = []
    for unit, wave, answers in ANSWERS:
        for i, v in enumerate(answers):
            row: dict[str, object] = {"org": "o", "unit": unit, "wave": wave}
            row["respondent"] = f"{unit}{wave}{i}"
            row.update({item: np.nan if v is None else float(v) for item in QWL15.item_ids})
            rows.append(row)
    responses = pd.DataFrame(rows).astype({"org": "str", "unit": "str", "wave": "str"})
    units = pd.DataFrame(
        {
            "org": "o",
            "unit": ["a", "a", "b", "b"],
            "wave": ["2023", "2024", "2023", "2024"],
            "invited": [6, 4, 2, 5],
            "sector": ["sote", "sote", "tekninen", "tekninen"],
        }
    ).astype({"org": "str", "unit": "str", "wave": "str", "sector": "str"})
    if experiment_start is not None:
        units["experiment_start"] = pd.Series(
            [experiment_start.get(u) for u in units["unit"]], dtype="str"
        )
    hr = pd.DataFrame(
        {
            "org": "o",
            "unit": ["a", "a", "b", "b"],
            "period": ["2023", "2024", "2023", "2024"],
            "fte": [5.0, 4.0, 2.0, 5.0],
            "headcount": [6, 4, 2, 5],
            "sick_days": [50.0, 20.0, 10.0, 75.0],
            "sick_spells": [5, 2, 1, 6],
            "other_absence_days": 0.0,
            "training_days": 0.0,
            "leavers": [1, 0, 0, 2],
            "staff_costs_eur": 100_000.0,
        }
    ).astype({"org": "str", "unit": "str", "period": "str"})
    finance = pd.DataFrame(
        {
            "org": "o",
            "unit": pd.Series(["a", "a", None, None], dtype="str"),
            "period": ["2023", "2024", "2023", "2024"],
            "revenue_eur": [500_000.0, 480_000.0, 900_000.0, 1_000_000.0],
            "variable_costs_eur": 0.0,
            "other_fixed_costs_eur": 0.0,
        }
    ).astype({"org": "str", "period": "str"})
    return Dataset(
        name="hand",
        responses=responses,
        units=units,
        hr=hr,
        finance=finance,
        instruments=(QWL15,),
        wave_period={"2023": "2023", "2024": "2024"},
    )


def _row(table: pd.DataFrame, unit: str, wave: str) -> pd.Series:
    return table[(table["unit"] == unit) & (table["wave"] == wave)].iloc[0]


def test_unit_waves_counts_means_and_standard_errors_by_hand() -> None:
    """Unit a 2023: answers 4, 5, 3 -> FE mean 4, sd 1, n 3, se 1/sqrt 3 = 0.57735;
    QWL (mean of shares) 0.75, 1, 0.5 -> 0.75, sd 0.25, se 0.25/sqrt 3; 3 of 6
    invited answered (0.5); favourable (>= 4) 2 of 3.
    Unit a 2024: 4, 4 -> mean 4, sd 0, se 0. Unit b 2023: one answer 2 -> n 1,
    sd and se missing, index 0.25. Unit b 2024: 2, 4 and an empty form -> n 3
    respondents, FE_n 2, mean 3, sd sqrt 2, se 1; qwl_index_n 2."""
    uw = hp.unit_waves(_dataset(), qwl_method="mean")
    assert uw[["unit", "wave"]].values.tolist() == [
        ["a", "2023"], ["a", "2024"], ["b", "2023"], ["b", "2024"]
    ]  # fmt: skip
    a23 = _row(uw, "a", "2023")
    assert (a23["n"], a23["invited"], a23["FE_n"], a23["qwl_index_n"]) == (3, 6, 3, 3)
    assert a23["response_rate"] == pytest.approx(0.5, abs=1e-12)
    assert [a23["FE_mean"], a23["FE_sd"], a23["FE_se"]] == pytest.approx(
        [4.0, 1.0, 1 / math.sqrt(3)], abs=1e-12
    )
    assert a23["FE_pct_favourable"] == pytest.approx(200 / 3, abs=1e-12)
    assert [a23["qwl_index"], a23["qwl_index_sd"], a23["qwl_index_se"]] == pytest.approx(
        [0.75, 0.25, 0.25 / math.sqrt(3)], abs=1e-12
    )
    a24 = _row(uw, "a", "2024")
    assert [a24["FE_mean"], a24["FE_sd"], a24["FE_se"]] == pytest.approx([4.0, 0.0, 0.0])
    b23 = _row(uw, "b", "2023")
    assert b23["n"] == 1 and b23["FE_n"] == 1 and np.isnan(b23["FE_se"])
    assert b23["qwl_index"] == pytest.approx(0.25, abs=1e-12)
    b24 = _row(uw, "b", "2024")
    assert (b24["n"], b24["FE_n"], b24["qwl_index_n"]) == (3, 2, 2)
    assert [b24["FE_mean"], b24["FE_sd"], b24["FE_se"]] == pytest.approx(
        [3.0, math.sqrt(2), 1.0], abs=1e-12
    )


def test_unit_waves_interval_hr_finance_and_units_columns_by_hand() -> None:
    """QWL interval of unit a 2023: 0.75 -+ t(2, 0.975) 4.302653 x 0.144338 =
    [0.128966, 1.371034]. HR: a 2023 50 sick days over 5 FTE = 10 per FTE, rate
    50 x 7.5 h / (5 x 1 850 h) = 0.0405405; b 2024 75 / 5 = 15. Finance: a 2023
    500 000 / 5 = 100 000 per FTE; b has no unit finance rows -> missing."""
    uw = hp.unit_waves(_dataset(), qwl_method="mean")
    a23 = _row(uw, "a", "2023")
    assert [a23["qwl_index_ci_low"], a23["qwl_index_ci_high"]] == pytest.approx(
        [0.75 - 4.302653 * 0.25 / math.sqrt(3), 0.75 + 4.302653 * 0.25 / math.sqrt(3)], abs=1e-6
    )
    assert a23["period"] == "2023" and a23["sector"] == "sote"
    assert a23["sick_days_per_fte"] == pytest.approx(10.0, abs=1e-12)
    assert a23["sickness_absence_rate"] == pytest.approx(50 * 7.5 / (5 * 1850), abs=1e-12)
    assert a23["revenue_per_fte"] == pytest.approx(100_000.0, abs=1e-9)
    assert (a23["headcount"], a23["leavers"]) == (6, 1)
    assert _row(uw, "b", "2024")["sick_days_per_fte"] == pytest.approx(15.0, abs=1e-12)
    assert np.isnan(_row(uw, "b", "2024")["revenue_per_fte"])


def test_unit_waves_default_scorer_is_kesti_approx() -> None:
    """Unit a 2024: both respondents at shares 0.75, the published anchor 61.8 %."""
    uw = hp.unit_waves(_dataset())
    assert _row(uw, "a", "2024")["qwl_index"] == pytest.approx(0.618, abs=1e-12)


def test_experiment_columns_by_hand() -> None:
    """Unit b starts in 2024: in the experiment in both waves, 2023 is one wave
    before the start (-1) and 2024 the first (0); unit a is not in it."""
    uw = hp.unit_waves(_dataset({"b": "2024"}), qwl_method="mean")
    assert uw["in_experiment"].tolist() == [False, False, True, True]
    assert uw["waves_since_start"].tolist()[2:] == [-1, 0]
    assert uw["waves_since_start"].isna().tolist()[:2] == [True, True]
    assert uw["experiment_start"].tolist()[2:] == ["2024", "2024"]
    none = hp.unit_waves(_dataset(), qwl_method="mean")
    assert not none["in_experiment"].any() and none["waves_since_start"].isna().all()


def test_org_waves_by_hand() -> None:
    """Org o 2023: respondents 3 + 1 = 4 of 8 invited; FE 4, 5, 3, 2 -> mean 3.5,
    sd sqrt(5/3), se sqrt(5/3)/2; sick days (50 + 10) / (5 + 2) FTE = 8.571429;
    revenue from the organisation's own finance row 900 000 / 7 FTE."""
    ow = hp.org_waves(_dataset({"b": "2024"}), qwl_method="mean")
    o23 = ow[ow["wave"] == "2023"].iloc[0]
    assert (o23["n"], o23["invited"], o23["units"], o23["units_in_experiment"]) == (4, 8, 2, 1)
    assert [o23["FE_mean"], o23["FE_se"]] == pytest.approx([3.5, math.sqrt(5 / 3) / 2], abs=1e-12)
    assert o23["sick_days_per_fte"] == pytest.approx(60 / 7, abs=1e-12)
    assert o23["revenue_per_fte"] == pytest.approx(900_000 / 7, abs=1e-9)


def test_bad_experiment_start_is_refused_with_file_row_and_column() -> None:
    """Not a wave, a date, and two starts of one unit: each a problem of the units
    table naming the row (spreadsheet numbering: header on row 1) and the column."""
    ds = _dataset({"b": "2024"})
    units = ds.units.copy()
    units.loc[0, "experiment_start"] = "2031"
    units.loc[1, "experiment_start"] = "2031"
    units.loc[2, "experiment_start"] = "2024-03-01"
    with pytest.raises(DataValidationError) as caught:
        hp.validate(dataclasses.replace(ds, units=units))
    problems = [p for p in caught.value.problems if p.column == "experiment_start"]
    text = {(p.row, p.message.split(";")[0]) for p in problems}
    assert (2, "'2031' is not a survey wave") in text
    assert (4, "is a date ('2024-03-01')") in text
    assert any(p.row == 4 and "different starts" in p.message for p in problems)
    assert all(p.file == "units" for p in problems)


def test_a_start_written_to_csv_reads_back(tmp_path: Path) -> None:
    """write_dataset then load_dataset keeps the start; an empty cell is no experiment."""
    folder = hp.write_dataset(_dataset({"b": "2024"}), tmp_path / "hand")
    back = hp.load_dataset(folder)
    assert back.units["experiment_start"].isna().tolist() == [True, True, False, False]
    assert set(back.units["experiment_start"].dropna()) == {"2024"}
    assert hp.unit_waves(back)["in_experiment"].tolist() == [False, False, True, True]


# --------------------------------------------------------------------------- did


def _panel(rng: np.random.Generator, starts: tuple[int, ...], effect: float) -> pd.DataFrame:
    """A unit_waves-like table: 120 units, 5 waves 2021-2025, a third of the units in
    the experiment from one of ``starts`` (positions), outcome with unit and wave effects
    and a true effect ``effect`` from the start on."""
    n_units, n_waves = 120, 5
    labels = [str(2021 + w) for w in range(n_waves)]
    unit = np.repeat(np.arange(n_units), n_waves)
    wave = np.tile(np.arange(n_waves), n_units)
    treated = rng.random(n_units) < 1 / 3
    start = np.where(treated, rng.choice(starts, n_units), -1)
    since = np.where(treated[unit], wave - start[unit], np.nan)
    y = (
        rng.normal(0, 1, n_units)[unit]
        + 0.3 * wave
        + effect * (since >= 0)
        + rng.normal(0, 0.5, unit.size)
    )
    return pd.DataFrame(
        {
            "org": "o",
            "unit": [f"u{u:03d}" for u in unit],
            "wave": [labels[w] for w in wave],
            "sick_days_per_fte": y,
            "experiment_start": pd.Series(
                [labels[start[u]] if treated[u] else None for u in unit], dtype="str"
            ),
            "in_experiment": treated[unit],
            "waves_since_start": pd.array(since, dtype="Float64").astype("Int64"),
        }
    )


def test_did_reads_the_experiment_from_unit_waves(rng: np.random.Generator) -> None:
    """A true effect of -2 days from the start (wave 2023) is recovered, and the result
    equals the explicit form treated= + start= on the same rows."""
    data = _panel(rng, starts=(2,), effect=-2.0)
    waves = ["2021", "2022", "2023", "2024", "2025"]
    design = dict(outcome="sick_days_per_fte", time="wave", entity=("org", "unit"), order=waves)
    res = did(data, **design)  # type: ignore[arg-type]
    row = res.summary().set_index("term").loc["treated_post"]
    assert row["ci_low"] < -2.0 < row["ci_high"]
    assert row["estimate"] == pytest.approx(-2.0, abs=0.25)
    explicit = did(
        data.assign(group=data["in_experiment"].astype(float)),
        treated="group",
        start="2023",
        **design,  # type: ignore[arg-type]
    )
    pd.testing.assert_frame_equal(res.summary(), explicit.summary())
    assert res.n_treated == int(data.drop_duplicates("unit")["in_experiment"].sum())


def test_did_with_staggered_starts_from_unit_waves(rng: np.random.Generator) -> None:
    """Starts in 2023 and 2024: the status comes from waves_since_start >= 0."""
    data = _panel(rng, starts=(2, 3), effect=-2.0)
    waves = ["2021", "2022", "2023", "2024", "2025"]
    with pytest.warns(Warning):
        res = did(
            data, outcome="sick_days_per_fte", time="wave", entity=("org", "unit"), order=waves
        )
    assert res.staggered
    assert res.summary().set_index("term").loc["treated_post", "estimate"] == pytest.approx(
        -2.0, abs=0.3
    )


def test_did_without_experiment_columns_or_with_start_says_what_to_do(
    rng: np.random.Generator,
) -> None:
    data = _panel(rng, starts=(2,), effect=-2.0)
    design = dict(outcome="sick_days_per_fte", time="wave", entity=("org", "unit"))
    with pytest.raises(ArgumentError, match="unit_waves"):
        did(data.drop(columns="waves_since_start"), **design)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="start"):
        did(data, start="2023", **design)  # type: ignore[arg-type]


def test_process_writes_the_research_tables(tmp_path: Path) -> None:
    """`process` writes unit_waves and org_waves beside the tidy tables, as computed."""
    folder = hp.write_dataset(_dataset({"b": "2024"}), tmp_path / "raw")
    manifest = hp.process(folder, out=tmp_path / "processed")
    ds = hp.load_dataset(folder)
    for name, table in (("unit_waves", hp.unit_waves(ds)), ("org_waves", hp.org_waves(ds))):
        written = pd.read_parquet(manifest.parent / f"{name}.parquet")
        pd.testing.assert_frame_equal(written, table)


def test_every_column_on_the_example_is_documented() -> None:
    """Each column unit_waves and org_waves give on the bundled example is named in the
    data contract's research-table section (per-score columns by their ``<col>_…`` form)."""
    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "data-contract.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Research tables") :]
    ds = hp.load_dataset(hp.datasets.example())  # the packaged copy, as a user of the wheel has it
    for table in (hp.unit_waves(ds), hp.org_waves(ds)):
        for col in table.columns:
            suffix = next(
                (s for s in ("_pct_favourable", "_mean", "_sd", "_n", "_se") if col.endswith(s)), ""
            )
            assert f"`{col}`" in section or (suffix and f"`<col>{suffix}`" in section), col
    uw = hp.unit_waves(ds)
    assert uw["in_experiment"].any() and (uw["waves_since_start"].dropna() >= -1).all()
