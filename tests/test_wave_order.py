"""Survey waves in time order: declared in dataset.yaml (``waves:``) or derived only when the
labels sort in time by themselves; never an alphabetical guess.

The season-labelled dataset is ``tests/data/valid`` with its waves renamed: "2022" becomes
"syksy 2022" (autumn 2022) and "2023" becomes "kevät 2023" (spring 2023). The true time order
is therefore known from outside the code: syksy 2022, then kevät 2023. A text sort gives the
opposite ("kevät" < "syksy"), which is what ``Dataset.waves`` returned before.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from hrproductivity import synthetic
from hrproductivity.errors import DataValidationError
from hrproductivity.io import (
    load_dataset,
    process,
    read_processed,
    time_order,
    validate,
    write_dataset,
)
from hrproductivity.plots import trend
from hrproductivity.reports import prepare as prepare_module
from hrproductivity.reports.prepare import PrepareSettings, prepare_cache

VALID = Path(__file__).parent / "data" / "valid"
SEASON = {"2022": "syksy 2022", "2023": "kevät 2023"}
IN_TIME_ORDER = ["syksy 2022", "kevät 2023"]
MISSING_ORDER = (
    "dataset.yaml: the survey waves 'kevät 2023', 'syksy 2022' do not sort in time by "
    "themselves (only years, ISO dates 2023-10-01, months 2023-10 or quarters 2023-Q4 do, all "
    "labels in one form); add the key 'waves' listing every wave in time order, oldest first, "
    'e.g. waves: ["syksy 2023", "kevät 2024"]'
)


def _season_dataset(folder: Path, waves: list[str] | None) -> Path:
    """tests/data/valid with season wave labels; ``waves:`` in dataset.yaml when given."""
    shutil.copytree(VALID, folder)
    for name in ("survey.csv", "units.csv"):
        path = folder / name
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        i = rows[0].index("wave")
        for row in rows[1:]:
            row[i] = SEASON[row[i]]
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    config = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    config["wave_period"] = {SEASON[w]: p for w, p in config["wave_period"].items()}
    if waves is not None:
        config["waves"] = waves
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    (folder / "dataset.yaml").write_text(text, encoding="utf-8")
    return folder


def _problems(exc: pytest.ExceptionInfo[DataValidationError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


# ----------------------------------------------------------------- deriving the order


@pytest.mark.parametrize(
    ("labels", "in_time"),
    [
        (["2023", "2022", "2024"], ["2022", "2023", "2024"]),
        (["10", "9", "1"], ["1", "9", "10"]),  # wave numbers: 9 before 10, not "10" < "9"
        (["2024-01-15", "2023-12-31"], ["2023-12-31", "2024-01-15"]),
        (["2024-02", "2023-11"], ["2023-11", "2024-02"]),
        (["2012Q1", "2011Q3", "2011-Q4"], ["2011Q3", "2011-Q4", "2012Q1"]),
    ],
)
def test_labels_that_sort_in_time_are_ordered_as_times(
    labels: list[str], in_time: list[str]
) -> None:
    """Calendar order, written out by hand for each case."""
    assert time_order(labels) == in_time


@pytest.mark.parametrize(
    "labels",
    [
        ["kevät 2024", "syksy 2023"],
        ["Q32011", "Q12012"],  # the quarterly labels, quarter first
        ["2023", "2023-06"],  # a year and a month: neither is before the other
        ["2023Q1", "2023-Q1"],  # two labels of one time
        ["2023-13"],  # no month 13
        ["2023-02-30"],  # no 30 February
    ],
)
def test_labels_without_a_time_order_are_refused(labels: list[str]) -> None:
    with pytest.raises(DataValidationError, match="add the key 'waves'"):
        time_order(labels)


def test_declared_order_is_used_and_must_hold_every_label() -> None:
    assert time_order(["kevät 2024", "syksy 2023"], ["syksy 2023", "kevät 2024"]) == [
        "syksy 2023",
        "kevät 2024",
    ]
    with pytest.raises(DataValidationError) as exc:
        time_order(["kevät 2024", "syksy 2023"], ["kevät 2024"])
    assert _problems(exc) == [
        "dataset.yaml: key 'waves' does not list the survey waves 'syksy 2023'; add each in "
        "its place in time order, oldest first"
    ]


# ----------------------------------------------------------------- the dataset contract


def test_years_keep_their_order_without_waves() -> None:
    ds = load_dataset(VALID)
    assert ds.wave_order is None
    assert ds.waves == ["2022", "2023"]


def test_declared_waves_give_the_latest_wave(tmp_path: Path) -> None:
    ds = load_dataset(_season_dataset(tmp_path / "dataset", IN_TIME_ORDER))
    assert ds.waves == IN_TIME_ORDER
    assert ds.waves[-1] == "kevät 2023"  # the reports' default wave


def test_season_labels_without_waves_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as exc:
        load_dataset(_season_dataset(tmp_path / "dataset", None))
    assert _problems(exc) == [MISSING_ORDER]


def test_a_waves_list_that_misses_repeats_or_misnames_a_wave_is_refused(tmp_path: Path) -> None:
    folder = _season_dataset(tmp_path / "dataset", ["syksy 2022", "syksy 2022", "kevat 2023"])
    with pytest.raises(DataValidationError) as exc:
        load_dataset(folder)
    assert _problems(exc) == [
        "dataset.yaml: key 'waves' does not list the survey waves 'kevät 2023'; add each in "
        "its place in time order, oldest first",
        "dataset.yaml: key 'waves' names 'kevat 2023', a wave of neither the survey nor the "
        "unit list; did you mean 'kevät 2023'? correct it or remove it",
        "dataset.yaml: key 'waves' names wave 'syksy 2022' 2 times; list each wave once",
    ]


def test_waves_must_be_a_list(tmp_path: Path) -> None:
    folder = _season_dataset(tmp_path / "dataset", None)
    path = folder / "dataset.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "waves: syksy 2022\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        load_dataset(folder)
    assert _problems(exc) == [
        "dataset.yaml: key 'waves' must list the survey waves in time order, oldest first, "
        'e.g. waves: ["syksy 2023", "kevät 2024"]'
    ]


def test_validate_refuses_an_in_memory_dataset_without_an_order(tmp_path: Path) -> None:
    ds = load_dataset(_season_dataset(tmp_path / "dataset", IN_TIME_ORDER))
    undeclared = ds.__class__(**{**ds.__dict__, "wave_order": None})
    report = validate(undeclared, raise_on_error=False)
    assert report.lines() == [MISSING_ORDER]
    with pytest.raises(DataValidationError):
        undeclared.waves  # noqa: B018 - the property raises


def test_processed_tables_keep_the_order(tmp_path: Path) -> None:
    manifest = process(_season_dataset(tmp_path / "dataset", IN_TIME_ORDER), out=tmp_path / "p")
    assert json.loads(manifest.read_text(encoding="utf-8"))["waves"] == IN_TIME_ORDER
    assert read_processed(tmp_path / "p").waves == IN_TIME_ORDER


def test_written_dataset_declares_the_order_only_when_needed(tmp_path: Path) -> None:
    seasons = synthetic.generate(
        n_orgs=2, waves=("syksy 2023", "kevät 2024"), respondents_per_wave=60, seed=3
    )
    years = synthetic.generate(n_orgs=2, waves=("2023", "2024"), respondents_per_wave=60, seed=3)
    assert seasons.waves == ["syksy 2023", "kevät 2024"]
    written = write_dataset(seasons, tmp_path / "seasons")
    config = yaml.safe_load((written / "dataset.yaml").read_text(encoding="utf-8"))
    assert config["waves"] == ["syksy 2023", "kevät 2024"]
    assert load_dataset(written).waves == ["syksy 2023", "kevät 2024"]
    written = write_dataset(years, tmp_path / "years")
    assert "waves" not in yaml.safe_load((written / "dataset.yaml").read_text(encoding="utf-8"))


# ----------------------------------------------------------------- what uses the order


@pytest.mark.filterwarnings("ignore:min_n=1 is below 5")  # on purpose: tiny test units
def test_report_change_is_against_the_previous_wave_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change of the all-organisations QWL index is kevät 2023 minus syksy 2022.

    The expected difference is taken from the cache's own ``groups`` table (the two
    waves' index values), so the test checks which wave is "previous", not the scoring.
    Before, the alphabetical order made syksy 2022 the later wave and flipped the sign.
    The reliability table (omega bootstraps, most of the run time) plays no part here.
    """
    monkeypatch.setattr(prepare_module, "_reliability", lambda *args: pd.DataFrame())
    ds = load_dataset(_season_dataset(tmp_path / "dataset", IN_TIME_ORDER))
    # min_n=1: the test data has 2-3 answers a unit, and the all-organisations row
    # pools only organisations whose results are shown
    settings = PrepareSettings(drivers_boot=20, min_n=1, rank_only_below=1)
    cache = prepare_cache(ds, tmp_path / "cache", settings=settings)
    groups = pd.read_parquet(cache / "groups.parquet")
    total = groups[groups["level"] == "total"].set_index("wave")["qwl_index"]
    change = pd.read_parquet(cache / "change.parquet")
    row = change[change["level"] == "total"].iloc[0]
    assert (row["wave"], row["previous_wave"]) == ("kevät 2023", "syksy 2022")
    assert row["difference"] == pytest.approx(total["kevät 2023"] - total["syksy 2022"], abs=1e-12)
    assert json.loads((cache / "meta.json").read_text(encoding="utf-8"))["waves"] == IN_TIME_ORDER


def test_association_note_names_the_waves_in_time_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports' association table says which waves it pooled, oldest first."""
    monkeypatch.setattr(prepare_module, "_reliability", lambda *args: pd.DataFrame())
    ds = synthetic.generate(
        n_orgs=2, waves=("syksy 2023", "kevät 2024"), respondents_per_wave=300, seed=3
    )
    cache = prepare_cache(ds, tmp_path / "cache", settings=PrepareSettings(drivers_boot=10))
    associations = pd.read_parquet(cache / "associations.parquet")
    assert not associations.empty
    assert set(associations["waves"]) == {"syksy 2023, kevät 2024"}


def test_trend_figure_draws_the_waves_in_the_table_order() -> None:
    table = pd.DataFrame(
        {"series": "K091", "wave": IN_TIME_ORDER, "value": [0.40, 0.45]},
    )
    ax = trend(table)
    assert [t.get_text() for t in ax.get_xticklabels()] == IN_TIME_ORDER
