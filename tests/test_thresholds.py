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
from hrproductivity.errors import ArgumentError, HRProductivityWarning, ReportError
from hrproductivity.io import load_dataset
from hrproductivity.privacy import thresholds
from hrproductivity.reports import content
from hrproductivity.reports.content import load_cache
from hrproductivity.reports.jobs import plan_jobs
from hrproductivity.reports.prepare import PrepareSettings, group_statuses, prepare
from hrproductivity.reports.store import CacheStore

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
ORG_TEMPLATE = ROOT / "notebooks" / "org_report.ipynb"
VALID = Path(__file__).resolve().parent / "data" / "valid"
QWL = [f"qwl_{i:02d}" for i in range(1, 16)]


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


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/valid, wave 2022, with two changes made by hand.

    Respondents per unit (all with a QWL index unless said):

    ====  =======================  ===  =====
    org   unit                     n    qwl_n
    ====  =======================  ===  =====
    K091  Päiväkoti Auringonkukka  3    3
    K091  Kotihoito Itä            3    2  (one answered no QWL item)
    K179  Kirjasto                 3    3
    K179  Ruokapalvelut            2    2
    K179  Terveysasema Keskusta    3    3
    K837  Koulu Hervanta           3    3
    K837  Sosiaalityö              3    3
    K837  Uusi yksikkö             0    0  (invited, nobody answered)
    ====  =======================  ===  =====
    """
    import shutil

    import pandas as pd

    folder = tmp_path_factory.mktemp("small") / "dataset"
    shutil.copytree(VALID, folder)
    with open(folder / "units.csv", "a", encoding="utf-8") as f:
        f.write("K837,Uusi yksikkö,2022,4,opetus\n")
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    rows = survey.index[
        (survey["org"] == "K091") & (survey["unit"] == "Kotihoito Itä") & (survey["wave"] == "2022")
    ]
    survey.loc[rows[0], QWL] = ""
    survey.to_csv(folder / "survey.csv", index=False)
    return folder


#: The statuses of wave 2022 by hand (table of ``small``), with their reasons.
#: min_n=3, rank_only_below=3: a unit is shown from 3 QWL answers, every organisation
#: (5, 8, 6) is shown, so hiding one unit alone would let "organisation minus the
#: others" give it away: K091 has two units, the other one is hidden too; in K179 one
#: of the two units of 3 is hidden with Ruokapalvelut (which one is the engine's choice).
#: min_n=3 (rank_only_below max(10, 3) = 10): units of 3 and organisations of 5 to 8
#: show their placement only; no figures of an organisation are shown, so nothing
#: needs protecting.
EXPECTED = {
    (3, 3): {
        ("K091", "Kotihoito Itä"): ("hidden", "few_qwl_answers"),
        ("K091", "Päiväkoti Auringonkukka"): ("hidden", "complementary"),
        ("K179", "Ruokapalvelut"): ("hidden", "few_respondents"),
        ("K837", "Koulu Hervanta"): ("shown", None),
        ("K837", "Sosiaalityö"): ("shown", None),
        ("K837", "Uusi yksikkö"): ("hidden", "no_answers"),
        ("K091", None): ("shown", None),
        ("K179", None): ("shown", None),
        ("K837", None): ("shown", None),
    },
    (3, None): {
        ("K091", "Kotihoito Itä"): ("hidden", "few_qwl_answers"),
        ("K091", "Päiväkoti Auringonkukka"): ("rank_only", "rank_only"),
        ("K179", "Kirjasto"): ("rank_only", "rank_only"),
        ("K179", "Ruokapalvelut"): ("hidden", "few_respondents"),
        ("K179", "Terveysasema Keskusta"): ("rank_only", "rank_only"),
        ("K837", "Koulu Hervanta"): ("rank_only", "rank_only"),
        ("K837", "Sosiaalityö"): ("rank_only", "rank_only"),
        ("K837", "Uusi yksikkö"): ("hidden", "no_answers"),
        ("K091", None): ("rank_only", "rank_only"),
        ("K179", None): ("rank_only", "rank_only"),
        ("K837", None): ("rank_only", "rank_only"),
    },
}


@pytest.mark.parametrize("given", list(EXPECTED), ids=["min-n-3-rank-3", "min-n-3"])
def test_plan_cache_and_report_agree_on_every_status(
    given: tuple[int, int | None], small: Path
) -> None:
    """One decision (prepare), read by the plan and the report: every group's status is
    the same in the cache, in the plan (not produced exactly when hidden, saying why) and
    in what the report records (its own status; an organisation's named units)."""
    min_n, rank_only_below = given
    wave = "2022"
    with pytest.warns(HRProductivityWarning, match="min_n=3 is below 5"):
        preparer = prepare(small, min_n=min_n, rank_only_below=rank_only_below, drivers_boot=0)
    cache = CacheStore(small.parent / "caches").ensure(preparer)
    groups = load_cache(cache).tables["groups"]
    groups = groups[(groups["wave"] == wave) & (groups["level"] != "total")]
    decided = {
        (str(r.org), None if r.level == "org" else str(r.unit)): (
            str(r.status),
            None if pd_isna(r.reason) else str(r.reason),
        )
        for r in groups.itertuples(index=False)
    }
    # the cache holds the hand-counted statuses (K179's complementary pick aside)
    for key, expected in EXPECTED[given].items():
        assert decided[key] == expected, key
    if given == (3, 3):
        pair = [decided[("K179", u)] for u in ("Kirjasto", "Terveysasema Keskusta")]
        assert sorted(pair, key=str) == sorted(
            [("hidden", "complementary"), ("shown", None)], key=str
        )
    # the same function, without a cache, decides the same
    data = load_dataset(small)
    again = group_statuses(data, preparer.settings)
    again = again[(again["wave"] == wave) & (again["level"] != "total")]
    assert len(again) == len(decided)
    for r in again.itertuples(index=False):
        key = (str(r.org), None if r.level == "org" else str(r.unit))
        assert decided[key][0] == str(r.status), key

    for level in ("org", "unit"):
        for job in plan_jobs(data, wave=wave, level=level, cache=cache):
            key = (job.parameters["org"], job.parameters.get("unit"))
            status, reason = decided[key]
            # the plan: not produced exactly when the cache hides the group
            assert (job.not_produced is not None) == (status == "hidden"), key
            if job.not_produced is not None:
                words = {
                    "no_answers": "no responses in wave 2022",
                    "few_respondents": f"fewer than {min_n} respondents",
                    "few_qwl_answers": f"fewer than {min_n} people answered the questions",
                    "complementary": "complementary suppression",
                }
                assert words[str(reason)] in job.not_produced, key
                continue
            # the report: its own status, and an organisation's units, as the cache says
            view = content.open_view(cache, org=key[0], wave=wave, unit=key[1], min_n=min_n)
            numbers = content.key_numbers(view)
            assert numbers["status"] == status, key
            if level == "org":
                own = {u: st for (o, u), (st, _) in decided.items() if o == key[0] and u}
                assert numbers["units_shown"] == sum(st == "shown" for st in own.values())
                assert numbers["units_rank_only"] == sum(st == "rank_only" for st in own.values())
                assert numbers["hidden_units"] == sum(st == "hidden" for st in own.values())
                assert sorted(numbers["units_named"]) == sorted(
                    u for u, st in own.items() if st != "hidden"
                )


def test_a_plan_refuses_a_cache_prepared_with_other_thresholds(small: Path) -> None:
    metas = sorted((small.parent / "caches").glob("*/meta.json"))  # the test above's
    if metas:
        meta = metas[0]
    else:  # run alone: prepare one
        with pytest.warns(HRProductivityWarning):
            preparer = prepare(small, min_n=3, rank_only_below=3, drivers_boot=0)
        meta = CacheStore(small.parent / "caches").ensure(preparer) / "meta.json"
    prepared = json.loads(meta.read_text("utf-8"))["settings"]["min_n"]
    with pytest.raises(ReportError, match=f"prepared with min_n={prepared}, not 6"):
        plan_jobs(small, wave="2022", cache=meta.parent, min_n=6)


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


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
        planned = plan_jobs(EXAMPLE, wave=wave, level=level, cache=meta.parent)
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
