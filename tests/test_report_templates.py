"""The report templates run end to end through run_reports on the bundled example.

One run prepares the cache once (reports.prepare) and produces the Kuusikoski
organisation report in Finnish and in English, and unit reports for a unit that
is shown (Lukio), one with placement only (Liikuntapalvelut, 8 respondents),
one hidden to protect a smaller one (Pohjala's Liikuntapalvelut, 10
respondents: not produced, as its own report would give away what its
organisation's report hides) and one under the threshold (Ympäristöpalvelut,
4 respondents: not produced). The checks read the results files and the exported pages.

Outside references: the generator's truth (``synthetic.example_dataset().truth``)
for respondents, staff invited, which units are small and the units' true QWL;
docs/privacy.md for what a page may show. The truth's QWL is on the scorer's
scale (the expected kesti_approx index of the unit's employees,
docs/synthetic-data.md), so a reported index must lie within twice its own 95 %
interval's half-width (about four standard errors) of the truth, and the order of
the units (what a report is read for) follows the truth's.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from hrproductivity.locales import fmt_pct
from hrproductivity.reports import Manifest, plan_jobs, run_reports
from hrproductivity.reports.prepare import prepare

pytestmark = pytest.mark.notebooks  # executes notebooks (make test-fast skips it)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
ORG_TEMPLATE = ROOT / "notebooks" / "org_report.ipynb"
UNIT_TEMPLATE = ROOT / "notebooks" / "unit_report.ipynb"
WAVE = "2024"
ORG = "Kuusikoski"
UNITS = {
    ("Kuusikoski", "Lukio"): "shown",
    ("Kuusikoski", "Liikuntapalvelut"): "rank_only",
    ("Pohjala", "Liikuntapalvelut"): "not_produced",  # hidden to protect a smaller unit
    ("Kuusikoski", "Ympäristöpalvelut"): "not_produced",
}


@dataclass(frozen=True)
class Runs:
    org_fi: Manifest
    org_en: Manifest
    units: Manifest
    groups: pd.DataFrame  # the prepared cache's group table


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    out = tmp_path_factory.mktemp("reports")
    prep = prepare(EXAMPLE)
    data = prep.dataset
    common: dict[str, Any] = {
        "wave": WAVE,
        "prepare": prep,
        "input_hash": prep.input_hash,
        "cache_dir": out / "cache",
        "jobs": 2,
    }
    org_fi = run_reports(
        data,
        template=ORG_TEMPLATE,
        orgs=[ORG],
        lang="fi",
        parameters={**prep.parameters, "show_comments": True},
        out=out / "fi",
        **common,
    )
    org_en = run_reports(
        data,
        template=ORG_TEMPLATE,
        orgs=[ORG],
        lang="en",
        parameters=prep.parameters,
        out=out / "en",
        **common,
    )
    planned = plan_jobs(data, wave=WAVE, level="unit", orgs=["Kuusikoski", "Pohjala"])
    jobs = [j for j in planned if (j.parameters["org"], j.parameters["unit"]) in UNITS]
    units = run_reports(
        jobs,
        template=UNIT_TEMPLATE,
        level="unit",
        lang="fi",
        parameters=prep.parameters,
        out=out / "fi",
        **common,
    )
    caches = [p for p in (out / "cache").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(caches) == 1, "prepare must run once for the three runs"
    groups = pd.read_parquet(caches[0] / "groups.parquet")
    return Runs(org_fi, org_en, units, groups)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    from hrproductivity.synthetic import example_dataset

    t = example_dataset().truth
    assert t is not None
    uw: pd.DataFrame = t["unit_wave"]
    return uw[uw["wave"] == WAVE]


def _entry(manifest: Manifest, name: str) -> Any:
    found = [e for e in manifest.entries.values() if e.name == name]
    assert len(found) == 1, [e.name for e in manifest.entries.values()]
    return found[0]


def _results(manifest: Manifest, name: str) -> dict[str, Any]:
    entry = _entry(manifest, name)
    assert entry.status == "ok", entry.error
    path = manifest.folder / entry.outputs["results"]
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _page(manifest: Manifest, name: str) -> str:
    entry = _entry(manifest, name)
    return (manifest.folder / entry.outputs["html"]).read_text(encoding="utf-8")


def _text(page: str) -> str:
    """The words of a page: body without tags, style sheets or scripts (SVG text is kept)."""
    body = page[page.index("<body") :]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _hidden(groups: pd.DataFrame, org: str) -> set[str]:
    units = groups[(groups["level"] == "unit") & (groups["org"] == org) & (groups["wave"] == WAVE)]
    return set(units.loc[units["status"] == "hidden", "unit"].astype("str"))


def _named(words: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", words) is not None


def _all_reports(runs: Runs) -> list[tuple[Manifest, str, str, str | None]]:
    """(manifest, report name, org, unit) of every report produced."""
    out: list[tuple[Manifest, str, str, str | None]] = [
        (runs.org_fi, ORG, ORG, None),
        (runs.org_en, ORG, ORG, None),
    ]
    for entry in runs.units.entries.values():
        if entry.status == "ok":
            out.append((runs.units, entry.name, entry.parameters["org"], entry.parameters["unit"]))
    return out


# --------------------------------------------------------------------------- statuses


def test_every_report_is_made_and_the_small_unit_is_not(runs: Runs) -> None:
    assert runs.org_fi.counts()["ok"] == 1 and runs.org_en.counts()["ok"] == 1
    for (org, unit), expected in UNITS.items():
        entry = [
            e
            for e in runs.units.entries.values()
            if e.parameters["org"] == org and e.parameters["unit"] == unit
        ]
        assert len(entry) == 1, (org, unit)
        status = "ok" if expected != "not_produced" else "not_produced"
        assert entry[0].status == status, (org, unit, entry[0].error)
        if expected == "not_produced":
            assert not entry[0].outputs
    hidden = [e for e in runs.units.entries.values() if e.parameters["org"] == "Pohjala"]
    assert "complementary suppression" in str(hidden[0].reason)


# --------------------------------------------------------------------------- numbers


def test_org_numbers_against_the_truth(runs: Runs, truth: pd.DataFrame) -> None:
    mine = truth[truth["org"] == ORG]
    for manifest in (runs.org_fi, runs.org_en):
        r = _results(manifest, ORG)
        assert r["respondents"] == mine["respondents"].sum()
        assert r["invited"] == mine["employees"].sum()
        # the results file carries the rate as the report prints it: a whole percentage
        assert r["response_rate"] == pytest.approx(
            mine["respondents"].sum() / mine["employees"].sum(), abs=0.005 + 1e-12
        )
        # every unit the generator gave fewer than 5 respondents is hidden and never named
        small = set(mine.loc[mine["respondents"] < 5, "unit"])
        assert small and r["hidden_units"] >= len(small)
        assert not small & set(r["units_named"])
        assert r["hidden_units"] == len(_hidden(runs.groups, ORG))
        # the level: the truth within about four standard errors (see the module notes)
        true_qwl = float(np.average(mine["true_qwl"], weights=mine["employees"]))
        low, high = r["qwl_index_ci"]
        assert low < r["qwl_index"] < high and high - low < 0.05
        assert abs(r["qwl_index"] - true_qwl) < high - low
        assert r["band_code"] == "much"  # 40-64 %, the truth's band too
        assert 0.40 <= true_qwl < 0.65
        # the order of the shown units follows the truth
        shown = pd.Series(r["unit_qwl_index"])
        true_units = mine.set_index("unit").loc[shown.index, "true_qwl"]
        assert stats.spearmanr(shown, true_units).statistic > 0.8
        assert r["placement_of"] == 5 and 1 <= r["placement"] <= 5
        assert r["valuation"] == "public" and r["value_of_qwl_point_per_fte"] > 0
        by_valuation = r["value_of_qwl_point_by_valuation"]
        assert set(by_valuation) == {"public", "market", "wage"}
    assert _results(runs.org_fi, ORG)["comments_shown"] > 0
    assert _results(runs.org_en, ORG)["comments_shown"] == 0
    assert _results(runs.org_fi, ORG)["band"] == "paljon kehitettävää"
    assert _results(runs.org_en, ORG)["band"] == "much to develop"


def test_unit_numbers_against_the_truth(runs: Runs, truth: pd.DataFrame) -> None:
    for (org, unit), expected in UNITS.items():
        if expected == "not_produced":
            continue
        name = next(
            e.name
            for e in runs.units.entries.values()
            if e.parameters["org"] == org and e.parameters["unit"] == unit
        )
        r = _results(runs.units, name)
        row = truth[(truth["org"] == org) & (truth["unit"] == unit)].iloc[0]
        assert r["respondents"] == row["respondents"]
        assert r["invited"] == row["employees"]
        assert r["status"] == expected
        if expected == "shown":
            low, high = r["qwl_index_ci"]
            assert abs(r["qwl_index"] - row["true_qwl"]) < high - low
            assert r["factors"] is not None and r["value_of_qwl_point"] > 0
        else:
            assert r["qwl_index"] is None and r["factors"] is None
            assert "value_of_qwl_point" not in r
        # Kuusikoski's rank-only Liikuntapalvelut shares the organisation's total with the
        # hidden Ympäristöpalvelut: its placement would bracket that unit, so it is withheld
        # (docs/privacy.md, guarantee 3). Shown units keep theirs.
        assert (r["placement"] is None) == (expected != "shown")


def test_results_files_carry_no_more_precision_than_the_pages(runs: Runs) -> None:
    """Published beside each page, a results file must not be a finer copy of it: shares
    to a tenth of a percent (a whole percent for the response rate), euros whole."""

    def decimals(x: float) -> int:
        text = repr(float(x))
        return len(text.split(".")[1].rstrip("0")) if "." in text else 0

    for manifest, name, _, _ in _all_reports(runs):
        r = _results(manifest, name)
        shares = [r.get("qwl_index"), *(r.get("qwl_index_ci") or [])]
        shares += [*(r.get("factors") or {}).values(), *r.get("unit_qwl_index", {}).values()]
        shares += [r.get("all_orgs_qwl_index"), r.get("sickness_absence_rate")]
        for x in filter(None, shares):
            assert decimals(x) <= 3, (name, x)
        assert decimals(r["response_rate"]) <= 2, name
        euros = [r.get("value_of_qwl_point"), r.get("potential_eur"), r.get("absence_cost_eur")]
        for x in filter(None, euros):
            assert x == round(x), (name, x)
        if r.get("qwl_index") is not None:
            words = _text(_page(manifest, name))
            lang = _entry(manifest, name).parameters["lang"]
            assert fmt_pct(r["qwl_index"], lang=lang) in words


# --------------------------------------------------------------------------- pages


def test_pages_have_no_code_no_traceback_and_name_no_hidden_unit(runs: Runs) -> None:
    for manifest, name, org, unit in _all_reports(runs):
        page = _page(manifest, name)
        body = page[page.index("<body") :]
        assert 'class="jp-InputArea' not in body and "jp-CodeMirrorEditor" not in body, name
        assert "Traceback" not in page and "jp-RenderedText" not in body, name
        words = _text(page)
        for hidden in _hidden(runs.groups, org) - {unit}:
            assert not _named(words, hidden), (name, hidden)


def test_a_hidden_or_rank_only_unit_page_shows_no_result_of_its_own(runs: Runs) -> None:
    for manifest, name, _, unit in _all_reports(runs):
        if unit is None:
            continue
        r = _results(manifest, name)
        words = _text(_page(manifest, name))
        if r["status"] == "shown":
            assert fmt_pct(r["qwl_index"], lang="fi") in words
        else:
            assert "Työelämän laatu -indeksi on" not in words, name
            assert "Tulkintataso:" not in words, name


def test_titles_numbers_and_language(runs: Runs) -> None:
    fi = _text(_page(runs.org_fi, ORG))
    en = _text(_page(runs.org_en, ORG))
    r = _results(runs.org_fi, ORG)
    assert f"Työelämän laatu {WAVE} – {ORG}" in fi
    assert f"Quality of working life {WAVE} – {ORG}" in en
    assert fmt_pct(r["qwl_index"], lang="fi") in fi
    assert fmt_pct(r["qwl_index"], lang="en") in en
    for term in ("Vastausprosentti", "vastaajaa", "Henkilötyövuodet (htv)", "Sairauspoissaolot"):
        assert term in fi, term
    assert "Avoimet vastaukset" in fi and "Open comments are not included" in en


# --------------------------------------------------------------------------- what a reader sees

CHROMIUM = shutil.which("chromium")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="hrp-chromium-") as profile:
        command = [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_reports_render_in_a_browser(runs: Runs, tmp_path: Path) -> None:
    from PIL import Image

    lukio = next(e.name for e in runs.units.entries.values() if e.parameters["unit"] == "Lukio")
    for manifest, name, title in (
        (runs.org_fi, ORG, f"Työelämän laatu {WAVE} – {ORG}"),
        (runs.units, lukio, f"Työelämän laatu {WAVE} – Lukio"),
    ):
        page = manifest.folder / _entry(manifest, name).outputs["html"]
        shot = tmp_path / f"{name}.png"
        _chromium(f"--screenshot={shot}", "--window-size=1280,4000", page.resolve().as_uri())
        pixels = np.asarray(Image.open(shot).convert("L"))
        assert pixels.shape == (4000, 1280)
        inked = (pixels < 200).mean()
        assert 0.01 < inked < 0.6, f"{name}: {inked:.3f} of the page is dark"
        dom = _chromium("--dump-dom", page.resolve().as_uri()).stdout
        words = html.unescape(re.sub(r"<[^>]+>", " ", dom))
        assert title in words
        qwl = _results(manifest, name)["qwl_index"]
        assert fmt_pct(qwl, lang="fi") in words
