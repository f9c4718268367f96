"""One rule for a report run's anonymity thresholds (``privacy.thresholds``).

The rule (docs/privacy.md): ``min_n`` defaults to 5; ``rank_only_below``
defaults to ``max(10, min_n)``; ``rank_only_below < min_n`` is refused; a
``min_n`` below 5 warns. The cache, the plan of who gets a report and the
report itself must then agree on every group's status.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hrproductivity.cli import app
from hrproductivity.errors import ArgumentError, HRProductivityWarning
from hrproductivity.privacy import thresholds
from hrproductivity.reports.content import load_cache
from hrproductivity.reports.jobs import plan_jobs
from hrproductivity.reports.pipeline import _withhold_hidden
from hrproductivity.reports.prepare import PrepareSettings, prepare

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
ORG_TEMPLATE = ROOT / "notebooks" / "org_report.ipynb"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((None, None), (5, 10)),  # the documented defaults
        ((8, None), (8, 10)),  # max(10, 8) = 10
        ((10, None), (10, 10)),
        ((12, None), (12, 12)),  # max(10, 12) = 12: no placement-only band
        ((12, 15), (12, 15)),  # set: kept
        ((5, 5), (5, 5)),
    ],
)
def test_thresholds_rule(given: tuple[int | None, int | None], expected: tuple[int, int]) -> None:
    assert thresholds(*given) == expected


@pytest.mark.parametrize(
    ("min_n", "rank_only_below", "match"),
    [
        (12, 10, r"rank_only_below \(10\) must be at least min_n \(12\)"),
        (0, None, "min_n must be a whole number of 1 or more"),
        (5.0, None, "min_n must be a whole number"),
        (True, None, "min_n must be a whole number"),
        (5, 0, "rank_only_below must be a whole number of 1 or more"),
        (5, "10", "rank_only_below must be a whole number"),
    ],
)
def test_thresholds_errors(min_n: object, rank_only_below: object, match: str) -> None:
    with pytest.raises(ArgumentError, match=match):
        thresholds(min_n, rank_only_below)  # type: ignore[arg-type]


def test_min_n_below_5_warns_and_5_does_not() -> None:
    with pytest.warns(HRProductivityWarning, match="min_n=3 is below 5"):
        assert thresholds(3) == (3, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert thresholds(5) == (5, 10)
        assert thresholds(3, warn=False) == (3, 10)


def test_prepare_settings_follow_the_rule() -> None:
    # the defaults store the same values as before the rule, so caches keep their hash
    default = PrepareSettings().as_dict()
    assert (default["min_n"], default["rank_only_below"]) == (5, 10)
    assert PrepareSettings(min_n=12).rank_only_below == 12
    assert PrepareSettings(min_n=12, rank_only_below=15).rank_only_below == 15
    with pytest.raises(ArgumentError, match="must be at least min_n"):
        PrepareSettings(min_n=12, rank_only_below=11)
    assert prepare(EXAMPLE, min_n=12).settings.rank_only_below == 12


def _statuses(groups: object, level: str, wave: str) -> dict[tuple[str, str | None], str]:
    import pandas as pd

    assert isinstance(groups, pd.DataFrame)
    rows = groups[(groups["level"] == level) & (groups["wave"] == wave)]
    return {
        (str(r.org), None if level == "org" else str(r.unit)): str(r.status)
        for r in rows.itertuples(index=False)
    }


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "rank_only_below"),
    [(["--min-n", "12"], 12), (["--min-n", "12", "--rank-only-below", "15"], 15)],
    ids=["min-n-12", "min-n-12-rank-only-below-15"],
)
def test_reports_cli_thresholds_agree_in_cache_plan_and_report(
    options: list[str], rank_only_below: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI runs, and cache, plan and report give every group the same status.

    Before the rule, ``--min-n 12`` exited 2 with ``rank_only_below (10) must be
    at least min_n (12)`` and the CLI had no ``--rank-only-below``.
    """
    monkeypatch.chdir(tmp_path)  # the CLI keeps its cache under ./data/processed
    args = ["reports", str(EXAMPLE), "--org", "Kuusikoski", "--jobs", "1"]
    args += ["--template", str(ORG_TEMPLATE), "--out", str(tmp_path / "out"), *options]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output

    # the cache: prepared with the resolved thresholds
    (meta,) = (tmp_path / "data" / "processed").rglob("meta.json")
    cache = load_cache(meta.parent)
    assert (cache.settings["min_n"], cache.settings["rank_only_below"]) == (12, rank_only_below)
    groups = cache.tables["groups"]
    wave = "2024"
    units = _statuses(groups, "unit", wave)
    n = groups[(groups["level"] == "unit") & (groups["wave"] == wave)].set_index(["org", "unit"])
    for (org, unit), status in units.items():  # each status follows the thresholds
        qwl_n = int(n.loc[(org, unit), "qwl_n"])
        if status == "rank_only":
            assert 12 <= qwl_n < rank_only_below
        elif status == "shown":
            assert qwl_n >= rank_only_below
        else:
            assert status == "hidden"
    if rank_only_below == 15:  # the option changes what the cache holds
        assert "rank_only" in units.values()
    else:
        assert "rank_only" not in units.values()

    # the plan: a unit gets a report exactly when the cache does not hide it
    for level, statuses in (("unit", units), ("org", _statuses(groups, "org", wave))):
        planned = plan_jobs(EXAMPLE, wave=wave, level=level, min_n=12)
        planned = _withhold_hidden(planned, meta.parent / "groups.parquet", wave, level, 12)
        for job in planned:
            key = (job.parameters["org"], job.parameters.get("unit"))
            assert (job.not_produced is None) == (statuses.get(key, "hidden") != "hidden"), key

    # the report: the numbers it records are the cache's
    record = json.loads((tmp_path / "out" / wave / "org" / "Kuusikoski.results.json").read_text())
    own = {u: s for (o, u), s in units.items() if o == "Kuusikoski"}
    assert record["min_n"] == 12
    assert record["units_shown"] == sum(s == "shown" for s in own.values())
    assert record["units_rank_only"] == sum(s == "rank_only" for s in own.values())
    assert record["hidden_units"] == sum(s == "hidden" for s in own.values())
    assert sorted(record["units_named"]) == sorted(u for u, s in own.items() if s != "hidden")


def test_reports_cli_refuses_rank_only_below_under_min_n(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["reports", str(EXAMPLE), "--org", "Kuusikoski", "--jobs", "1"]
    args += ["--out", str(tmp_path / "out"), "--min-n", "12", "--rank-only-below", "11"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "rank_only_below (11) must be at least min_n (12)" in result.output
    assert not (tmp_path / "data").exists()  # refused before any cache was prepared


def test_reports_cli_warns_in_one_line_for_min_n_below_5(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(sys.executable).with_name("hrproductivity")
    args = [script, "reports", str(EXAMPLE), "--min-n", "3", "--wave", "1999", "--jobs", "1"]
    args += ["--out", str(tmp_path / "out")]  # the unknown wave stops it before any report
    run = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert lines[0] == (
        "warning: min_n=3 is below 5: reports will show figures of groups so small that "
        "people can be identified (docs/privacy.md)"
    )
    assert "wave '1999' is not in the dataset" in run.stderr
