"""research/03 and research/04: run them and check their numbers against outside references.

Both notebooks run top to bottom in a fresh ``hrproductivity`` kernel through the harness of
``tests/test_notebooks.py`` (:class:`Case`, :func:`run_notebook`: papermill, working directory =
the notebook's folder, parameters checked against the ``parameters`` cell first).

``03_cross_organisation_study`` runs on two synthetic datasets whose generating model is known
(:mod:`hrproductivity.synthetic`): the committed example with the notebook's defaults, and a
``study`` dataset (another seed, four organisations, a stronger absence effect and a larger
experiment) with other parameters. Its references are outside the library:

- the generator's truth (``Dataset.truth``): respondents and staff per organisation and wave, the
  experiment units and the true average effects of the experiment, the true QWL of every unit-wave
  and the true absence effect per QWL point, attenuated as ``tests/test_notebook_02.py`` derives it;
- hand calculations from the raw CSV files the notebook read (FTE, sick days per FTE, euros);
- the alpha of the generator's loadings derived by hand in ``tests/test_notebooks.py``;
- structural facts of the methods (degrees of freedom, sample sizes of the lag and
  leave-one-out models).

``04_real_data`` runs as committed. Its references are published values: lavaan's tutorial output
for Holzinger & Swineford (``tests/reference/reliability_lavaan_holzinger_swineford.json``) and
Wooldridge's Example 14.1 (below), each printed to 3 decimals and compared with ``abs=0.001``; for
the employee survey, which has no published analysis, the package's documentation of the data and
hand calculations (alpha from the covariance matrix, LMG over all orders, degrees of freedom).
"""

from __future__ import annotations

import json
import math
import struct
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from _notebooks import run_notebook
from scipy import stats
from test_notebook_02 import _fe_slope, _lmg_by_hand
from test_notebooks import (
    ALPHA_EXPECTED,
    CFA_DF,
    NOTEBOOKS,
    Case,
    Results,
    _alpha_tolerance,
    _dataset,
)

from hrproductivity import Dataset, synthetic, write_dataset

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
REFERENCE = json.loads(
    (ROOT / "tests" / "reference" / "reliability_lavaan_holzinger_swineford.json").read_text(
        encoding="utf-8"
    )
)
PRINTED = 0.001  # values published to 3 decimals: rounding (0.0005) plus optimiser noise
STUDY = "research/03_cross_organisation_study.ipynb"
REAL = "research/04_real_data.ipynb"
FIGURES = ("fig1_qwl_and_absence_by_wave", "fig2_experiment_event_study", "fig3_robustness")

# Wooldridge, J. M., Introductory Econometrics: A Modern Approach, Example 14.1 "Effect of Job
# Training on Firm Scrap Rates": fixed effects on JTRAIN, 54 firms x 1987-89,
# log(scrap) on d88, d89, grant, grant_1; usual standard errors in brackets. (An R replication,
# plm(log(scrap) ~ d88 + d89 + grant + grant_1, model = "within"), prints -0.252315 (0.150629)
# and -0.421590 (0.210200).)
WOOLDRIDGE_14_1: dict[str, tuple[float, float]] = {
    "grant": (-0.252, 0.151),
    "grant_lag1": (-0.422, 0.210),
}
WOOLDRIDGE_N, WOOLDRIDGE_FIRMS, WOOLDRIDGE_YEARS = 162, 54, 3
# keithmcnulty/peopleanalyticsdata, R/data-employee_survey.R: "A dataframe with 2833 rows and 14
# variables", Happiness, Ben1-Ben3, Work1-Work3, Man1-Man3, Car1-Car4, on a four-point scale.
EMPLOYEE_SURVEY_ROWS = 2833
EMPLOYEE_SURVEY_GROUPS: dict[str, list[str]] = {
    "Ben": ["Ben1", "Ben2", "Ben3"],
    "Work": ["Work1", "Work2", "Work3"],
    "Man": ["Man1", "Man2", "Man3"],
    "Car": ["Car1", "Car2", "Car3", "Car4"],
}
EMPLOYEE_SURVEY_ANSWERS = {1, 2, 3, 4}


# --------------------------------------------------------------------------- datasets


@cache
def _study() -> Dataset:
    """Four organisations of 9-12 units, three waves, a stronger absence effect
    (beta_sick = -0.5 days per FTE per QWL point) and 30 % of units in the experiment."""
    return synthetic.generate(
        n_orgs=4,
        units_per_org=(9, 12),
        respondents_per_wave=1400,
        seed=53,
        effects=synthetic.Effects(beta_sick=-0.5, experiment_share=0.30),
        name="study",
    )


def _experiment_units(truth: Any) -> dict[str, list[str]]:
    """The treated units by organisation, from the truth (the project's records)."""
    uw = truth["unit_wave"]
    treated = uw.loc[uw["treated"], ["org", "unit"]].drop_duplicates()
    return {str(o): sorted(map(str, g["unit"])) for o, g in treated.groupby("org")}


def _resolve(case: Case) -> Dataset | None:
    if case.data == "study":
        return _study()
    return _dataset(case.data) if case.data is not None else None


@dataclass(frozen=True)
class Run:
    """One executed notebook: what ran, on which data, what it recorded, how long it took."""

    case: Case
    dataset: Dataset | None  # with its truth (synthetic data)
    folder: Path | None  # the raw files the notebook read
    parameters: Mapping[str, Any]
    results: Results


# --------------------------------------------------------------------------- helpers


def _raw(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """HR and finance as the CSV files hold them, and the wave -> period pairing of the yaml."""
    config = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    text = {"org": str, "unit": str, "period": str}
    hr = pd.read_csv(folder / "hr.csv", dtype=text)
    finance = pd.read_csv(folder / "finance.csv", dtype=text)
    return hr, finance, {str(k): str(v) for k, v in config["wave_period"].items()}


def _parameter(run: Run, name: str, default: Any) -> Any:
    return run.parameters.get(name, default)


def _covers(row: Mapping[str, float], value: float) -> bool:
    return row["ci_low"] <= value <= row["ci_high"]


def _adjusted_unit_size(sizes: np.ndarray) -> float:
    """Adjusted mean group size of the one-way ANOVA (Bliese 2000): (N - sum n^2 / N) / (J - 1)."""
    total = sizes.sum()
    return float((total - (sizes**2).sum() / total) / (len(sizes) - 1))


def _panel(run: Run) -> pd.DataFrame:
    """The recorded unit-waves that entered the main models, with the truth of each."""
    assert run.dataset is not None and run.dataset.truth is not None
    uw = pd.DataFrame(run.results["unit_waves"])
    panel = uw[uw["in_panel"] & uw["revenue_per_fte"].notna()]
    return panel.merge(run.dataset.truth["unit_wave"], on=["org", "unit", "wave"])


def _attenuation(panel: pd.DataFrame) -> float:
    """Slope of the true QWL points on the measured unit mean within units and waves."""
    return _fe_slope(
        100 * panel["true_qwl"].to_numpy(),
        panel["qwl"].to_numpy(),
        panel["org"] + "/" + panel["unit"],
        panel["wave"],
    )


# --------------------------------------------------------------------------- 03 checks


def _check_figures(run: Run) -> None:
    """Every figure as PNG and SVG in figures_dir; the PNG at figure_dpi (about 7 inches
    wide), the SVG a vector file with its text kept as text (svg.fonttype none)."""
    folder = Path(run.parameters["figures_dir"])
    dpi = _parameter(run, "figure_dpi", 300)
    expected = {folder / f"{name}.{ext}" for name in FIGURES for ext in ("png", "svg")}
    assert {Path(p) for p in run.results["figures"]} == {p.resolve() for p in expected}
    for name in FIGURES:
        png = (folder / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = struct.unpack(">II", png[16:24])  # IHDR: width, height in pixels
        assert 6.0 * dpi <= width <= 8.0 * dpi and height > dpi, (name, width, height)
        root = ET.parse(folder / f"{name}.svg").getroot()
        assert root.tag.endswith("svg"), name
        assert any(el.tag.endswith("text") for el in root.iter()), name


def _check_organisations(run: Run) -> None:
    """Table 1 against the truth (respondents, staff invited, units) and hr.csv (FTE)."""
    assert run.dataset is not None and run.dataset.truth is not None and run.folder is not None
    uw = run.dataset.truth["unit_wave"]
    hr, _, _ = _raw(run.folder)
    table = run.results["org_table"]
    latest = run.results["latest_period"]
    assert set(table) == {*uw["org"].unique(), "All"}
    for org, rows in [*uw.groupby("org"), ("All", uw)]:
        got = table[org]
        assert got["units"] == rows[["org", "unit"]].drop_duplicates().shape[0], org
        for wave, part in rows.groupby("wave"):
            assert got["respondents"][wave] == part["respondents"].sum(), (org, wave)
            assert got["invited"][wave] == part["employees"].sum(), (org, wave)
        staff = hr[(hr["period"] == latest) & ((hr["org"] == org) | (org == "All"))]
        assert got["fte"] == pytest.approx(staff["fte"].sum(), rel=1e-12), org
        assert got["headcount"] == pytest.approx(staff["headcount"].sum(), rel=1e-12), org


def _check_measurement(run: Run) -> None:
    """Alpha of the generator's loadings (hand derivation in tests/test_notebooks.py,
    check_measurement), three standard errors inflated by the design effect of answers
    clustered in units; omega not below alpha; the fitted CFA is the generating model, so its
    df are 120 - 33 = 87 and it meets Hu & Bentler's cut-offs."""
    assert run.dataset is not None and run.dataset.truth is not None
    uw = run.dataset.truth["unit_wave"]
    sizes = uw.loc[uw["respondents"] > 0, "respondents"].to_numpy(dtype=float)
    icc = max(run.dataset.truth["variance_components"]["icc1_factor_score"].values())
    deff = 1 + (_adjusted_unit_size(sizes) - 1) * icc  # Kish
    n = int(sizes.sum())
    for factor, values in run.results["reliability"].items():
        assert values["n"] == n, factor
        tolerance = _alpha_tolerance(ALPHA_EXPECTED[factor], n, deff)
        assert values["alpha"] == pytest.approx(ALPHA_EXPECTED[factor], abs=tolerance), factor
        assert values["alpha_ci"][0] < values["alpha"] < values["alpha_ci"][1], factor
        assert values["omega"] >= values["alpha"] - 0.01, factor
    cfa = run.results["cfa"]
    assert cfa["df"] == CFA_DF
    assert (
        cfa["cfi"] >= 0.95 and cfa["tli"] >= 0.95 and cfa["rmsea"] <= 0.06 and cfa["srmr"] <= 0.08
    )


def _check_absence_by_wave(run: Run) -> None:
    """Figure 1 (b): sick days per FTE of each organisation in the period paired with each wave,
    the ratio of sums from hr.csv."""
    assert run.folder is not None
    hr, _, wave_period = _raw(run.folder)
    for row in run.results["org_waves"]:
        assert row["period"] == wave_period[row["wave"]]
        rows = hr[(hr["org"] == row["org"]) & (hr["period"] == row["period"])]
        expected = rows["sick_days"].sum() / rows["fte"].sum()
        assert row["sick_days_per_fte"] == pytest.approx(expected, rel=1e-12), row


def _check_panel_effects(run: Run) -> None:
    """beta_sick of the truth, attenuated by the reliability of the within-unit changes of
    the measured unit means (lambda, the slope of the true QWL on the measured one within
    units and waves; see tests/test_notebook_02.py), inside the interval; the same for
    productivity with the truth's noise-free revenue per FTE regressed on the true QWL. In
    euros: the effect times the cost of a day and the FTE of the latest period in hr.csv."""
    assert run.dataset is not None and run.dataset.truth is not None and run.folder is not None
    panel = _panel(run)
    lam = _attenuation(panel)
    assert 0.3 < lam < 1.0, lam
    beta = run.dataset.truth["effects"]["beta_sick"]
    sick = run.results["panel_sick"]
    assert sick["n"] == len(panel)
    assert sick["estimate"] < 0 and sick["ci_high"] < 0
    assert _covers(sick, beta * lam), (sick, beta, lam)
    unit, wave = panel["org"] + "/" + panel["unit"], panel["wave"]
    true_q = 100 * panel["true_qwl"].to_numpy()
    slope = _fe_slope(panel["revenue_per_fte_structural"].to_numpy(), true_q, unit, wave)
    productivity = run.results["panel_productivity"]
    assert productivity["estimate"] > 0 and productivity["ci_low"] > 0
    assert _covers(productivity, slope * lam), (productivity, slope, lam)

    hr, _, _ = _raw(run.folder)
    fte = hr.loc[hr["period"] == run.results["latest_period"], "fte"].sum()
    assert run.results["fte_total"] == pytest.approx(fte, rel=1e-12)
    cost = _parameter(run, "outcome_cost_per_sick_day", 350.0)
    hours = _parameter(run, "hours_per_day", 7.5)
    for key, effect, factor in (
        ("panel_sick_eur", sick, cost * fte),
        ("panel_sick_hours", sick, hours * fte),
        ("panel_productivity_eur", productivity, fte),
    ):
        for end in ("estimate", "ci_low", "ci_high"):
            assert run.results[key][end] == pytest.approx(effect[end] * factor, rel=1e-9), key


def _check_robustness(run: Run) -> None:
    """Structure: the lag model keeps the unit-waves whose previous wave is also in the panel
    and its cumulative row is current + lag; each leave-one-out model drops exactly that
    organisation's unit-waves; the reliable-means model keeps those with at least
    robust_min_respondents. Truth: the attenuated absence effect of the reliable subset lies in
    its interval, and its lambda is at least that of all unit-waves (the reasoning of section 6);
    with the full-sample t beyond 4 and a quarter or fifth of the data left out, every
    leave-one-out estimate keeps the sign of the truth."""
    panel = _panel(run)
    table = pd.DataFrame(run.results["robustness"])
    key = table.set_index(["check", "outcome", "term"]).sort_index()
    waves = run.results["waves"]
    position = {w: i for i, w in enumerate(waves)}
    present = set(zip(panel["org"], panel["unit"], panel["wave"].map(position), strict=True))
    with_previous = sum((o, u, t - 1) in present for o, u, t in present)
    lag = "with previous wave's QWL"
    for outcome in ("sick_days_per_fte", "revenue_per_fte"):
        rows = key.loc[(lag, outcome)]
        assert (rows["n"] == with_previous).all(), outcome
        cumulative = rows.loc["qwl", "estimate"] + rows.loc["qwl_lag1", "estimate"]
        assert rows.loc["qwl_cumulative", "estimate"] == pytest.approx(cumulative, rel=1e-9)
        for org in run.results["orgs"]:
            got = key.loc[(f"without {org}", outcome, "qwl")]
            assert got["n"] == int((panel["org"] != org).sum()), org
            sign = -1 if outcome == "sick_days_per_fte" else 1
            assert sign * got["estimate"] > 0, (org, outcome, got["estimate"])

    threshold = _parameter(run, "robust_min_respondents", 10)
    reliable = panel[panel["n_qwl"] >= threshold]
    got = key.loc[(f"≥ {threshold} respondents", "sick_days_per_fte", "qwl")]
    assert got["n"] == len(reliable)
    lam_reliable, lam_all = _attenuation(reliable), _attenuation(panel)
    assert lam_reliable >= lam_all, (lam_reliable, lam_all)
    assert run.dataset is not None and run.dataset.truth is not None
    beta = run.dataset.truth["effects"]["beta_sick"]
    assert _covers(got, beta * lam_reliable), (dict(got), beta, lam_reliable)


def _check_experiment(run: Run) -> None:
    """truth["experiment"]: the treated units and the exact average effects on the treated
    units after the start (same draws with and without the experiment) on the realised sick
    days per FTE and revenue per FTE, each inside its interval. The QWL model uses the
    measured unit mean of the library's approximate index; the generator's true QWL is the
    expected value of that index (docs/synthetic-data.md), so the measured means move by
    s = 1 point per true point up to sampling noise. s is the least-squares slope of the
    measured unit means on the true QWL across the panel's unit-waves (the sampling noise is in
    the dependent variable, so the slope is unbiased; about 1.01 on the example), and s times
    the true effect must lie in the interval. Euros: effect x cost of a day x the
    experiment units' FTE of the latest period (hr.csv)."""
    assert run.dataset is not None and run.dataset.truth is not None and run.folder is not None
    truth = run.dataset.truth["experiment"]
    did = run.results["did"]
    for outcome, row in did.items():
        assert row["n_treated"] == truth["n_treated_units"], outcome
        assert row["staggered"] is False, outcome
    panel = _panel(run)
    scale = float(np.polyfit(100 * panel["true_qwl"], panel["qwl"], 1)[0])
    assert 0.9 < scale < 1.1, scale
    qwl_truth = scale * truth["att_qwl_points"]
    assert _covers(did["qwl"], qwl_truth), (did["qwl"], qwl_truth)
    sick_truth = truth["att_sick_days_per_fte"]
    assert _covers(did["sick_days_per_fte"], sick_truth), (did["sick_days_per_fte"], sick_truth)
    rev_truth = truth["att_revenue_per_fte_eur"]
    assert _covers(did["revenue_per_fte"], rev_truth), (did["revenue_per_fte"], rev_truth)

    hr, _, _ = _raw(run.folder)
    treated = {(o, u) for o, units in _experiment_units(run.dataset.truth).items() for u in units}
    latest = hr[hr["period"] == run.results["latest_period"]]
    mask = [(o, u) in treated for o, u in zip(latest["org"], latest["unit"], strict=True)]
    fte = latest.loc[mask, "fte"].sum()
    assert run.results["treated_fte"] == pytest.approx(fte, rel=1e-12)
    cost = _parameter(run, "outcome_cost_per_sick_day", 350.0)
    for outcome, factor in (("sick_days_per_fte", cost * fte), ("revenue_per_fte", fte)):
        for end in ("estimate", "ci_low", "ci_high"):
            want = did[outcome][end] * factor
            assert run.results["did_eur"][outcome][end] == pytest.approx(want, rel=1e-9)


def check_study(results: Results, ds: Dataset | None, parameters: Mapping[str, Any]) -> None:
    """research/03_cross_organisation_study against the truth, hr.csv and hand derivations."""
    assert ds is not None
    folder = Path(parameters["data"]) if "data" in parameters else EXAMPLE
    run = Run(Case(STUDY, check_study), ds, folder, parameters, results)
    assert results["waves"] == ds.waves and results["orgs"] == ds.orgs
    _check_figures(run)
    _check_organisations(run)
    _check_measurement(run)
    _check_absence_by_wave(run)
    _check_panel_effects(run)
    _check_robustness(run)
    _check_experiment(run)


# --------------------------------------------------------------------------- 04 checks


def _check_holzinger_swineford(run: Run) -> None:
    """lavaan 0.6-11, tutorial "A CFA example" (tests/reference JSON, with its source):
    fit <- cfa(HS.model, data = HolzingerSwineford1939); summary(fit, fit.measures = TRUE)."""
    hs = run.results["holzinger_swineford"]
    want = REFERENCE["cfa"]["fit"]
    for key, value in want.items():
        tolerance = 0 if key in ("n", "df") else PRINTED
        assert hs["fit"][key] == pytest.approx(value, abs=tolerance), key
    for item, (estimate, se) in REFERENCE["cfa"]["loadings"].items():
        got_estimate, got_se = hs["loadings"][item]
        assert got_estimate == pytest.approx(estimate, abs=PRINTED), item
        assert got_se == pytest.approx(se, abs=PRINTED), item
    shown = pd.DataFrame(hs["comparison"])
    assert shown["within"].all()
    assert (shown["difference"] == shown["ours"] - shown["published"]).all()


def _check_jtrain(run: Run) -> None:
    """Wooldridge Example 14.1 (WOOLDRIDGE_*). Structure: the usual intervals are t
    intervals with NT - N - K = 162 - 54 - 4 = 104 residual degrees of freedom (d88, d89,
    grant, grant_1 beside the 54 firm effects), the clustered ones with G - 1 = 53; the
    cumulative row is the sum of the two grant terms."""
    jtrain = run.results["jtrain"]
    usual = jtrain["usual"]
    for term in ("grant", "grant_lag1"):
        estimate, se = WOOLDRIDGE_14_1[term]
        assert usual[term]["estimate"] == pytest.approx(estimate, abs=PRINTED), term
        assert usual[term]["se"] == pytest.approx(se, abs=PRINTED), term
        assert usual[term]["n"] == WOOLDRIDGE_N
        for kind, df in (("usual", 162 - 54 - 4), ("clustered", 54 - 1)):
            row = jtrain[kind][term]
            half = stats.t.ppf(0.975, df) * row["se"]
            assert row["ci_low"] == pytest.approx(row["estimate"] - half, rel=1e-9), (kind, term)
            assert row["ci_high"] == pytest.approx(row["estimate"] + half, rel=1e-9), (kind, term)
        # clustering changes the standard errors, not the estimates
        assert jtrain["clustered"][term]["estimate"] == pytest.approx(usual[term]["estimate"])
    total = usual["grant"]["estimate"] + usual["grant_lag1"]["estimate"]
    assert usual["grant_cumulative"]["estimate"] == pytest.approx(total, rel=1e-12)
    assert jtrain["n_entities"] == WOOLDRIDGE_FIRMS
    assert jtrain["n_periods"] == WOOLDRIDGE_YEARS
    assert pd.DataFrame(jtrain["comparison"])["within"].all()


def _check_jtrain_euros(run: Run) -> None:
    """By hand: a change d in log scrap changes a cost of poor quality C by C (e^d - 1);
    the interval's ends map through the same increasing function."""
    eur = run.results["jtrain_eur"]
    cost = eur["poor_quality_cost_eur"]
    usual = run.results["jtrain"]["usual"]
    for term, got in eur["years"].items():
        assert got["outcome_change"] == pytest.approx(usual[term]["estimate"], rel=1e-12)
        for end in ("estimate", "ci_low", "ci_high"):
            assert got[end] == pytest.approx(cost * math.expm1(usual[term][end]), rel=1e-9)
    two_years = sum(g["estimate"] for g in eur["years"].values())
    assert eur["two_years"] == pytest.approx(two_years, rel=1e-12)
    assert eur["net"] == pytest.approx(-two_years - eur["programme_cost_eur"], rel=1e-12)


def _check_employee_survey(run: Run) -> None:
    """No published analysis: the package's documentation of the data (EMPLOYEE_SURVEY_*) and
    hand calculations. Alpha = k/(k-1) (1 - trace(C)/sum(C)) from the covariance matrix
    (Cronbach 1951); omega not below alpha; CFA df = moments - free parameters: 13 items,
    91 - (9 loadings + 13 residual variances + 4 factor variances + 6 covariances) = 59, and
    with the weakest item dropped 78 - 30 = 48; LMG shares of R² by averaging the gains over
    all 4! orders of entry, from the correlations of Happiness and the group means."""
    import peopleanalyticsdata

    es = run.results["employee_survey"]
    data = peopleanalyticsdata.employee_survey()
    assert es["n"] == len(data) == EMPLOYEE_SURVEY_ROWS
    assert es["groups"] == EMPLOYEE_SURVEY_GROUPS
    assert set(es["answers"]) <= EMPLOYEE_SURVEY_ANSWERS and es["missing"] == 0
    for factor, items in EMPLOYEE_SURVEY_GROUPS.items():
        c = np.cov(data[items].to_numpy(dtype=float).T)
        k = len(items)
        alpha = k / (k - 1) * (1 - np.trace(c) / c.sum())
        assert es["alpha"][factor] == pytest.approx(alpha, rel=1e-9), factor
        low, high = es["alpha_ci"][factor]
        assert low < es["alpha"][factor] < high, factor
        assert es["omega"][factor] >= es["alpha"][factor] - 0.01, factor
    assert es["cfa"]["df"] == 91 - 32 and es["cfa"]["n"] == EMPLOYEE_SURVEY_ROWS
    assert es["cfa_reduced"]["df"] == 78 - 30
    dropped = es["cfa_reduced"]["dropped"]
    assert es["cfa_loadings"][dropped] == min(es["cfa_loadings"].values())

    groups = list(EMPLOYEE_SURVEY_GROUPS)
    means = pd.DataFrame(
        {g: data[items].mean(axis=1) for g, items in EMPLOYEE_SURVEY_GROUPS.items()}
    )
    corr = means.corr().to_numpy()
    rxy = means.corrwith(data["Happiness"]).to_numpy()
    design = np.column_stack([np.ones(len(means)), means.to_numpy()])
    y = data["Happiness"].to_numpy(dtype=float)
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))
    assert es["lmg_r2"] == pytest.approx(r2, rel=1e-9)
    shares = _lmg_by_hand(corr, rxy)
    for g, share in zip(groups, shares, strict=True):
        assert es["lmg"][g]["share"] == pytest.approx(share, rel=1e-9), g
        assert es["lmg"][g]["estimate"] == pytest.approx(share * r2, rel=1e-9), g
        assert es["lmg"][g]["share_ci_low"] <= share <= es["lmg"][g]["share_ci_high"], g


def check_real_data(results: Results, ds: Dataset | None, parameters: Mapping[str, Any]) -> None:
    """research/04_real_data against published values and hand calculations."""
    run = Run(Case(REAL, check_real_data, data=None), ds, None, parameters, results)
    _check_holzinger_swineford(run)
    _check_jtrain(run)
    _check_jtrain_euros(run)
    _check_employee_survey(run)


# --------------------------------------------------------------------------- the cases

CASES = [
    # The defaults a researcher opens (the example that ships with the package); only
    # the figures go to a temporary folder.
    Case(STUDY, check_study, data="example", name="example"),
    # Another synthetic study with other parameters; its unit list records its experiment.
    Case(
        STUDY,
        check_study,
        {
            "outcome_cost_per_sick_day": 365.4,
            "hours_per_day": 7.65,
            "min_respondents": 4,
            "robust_min_respondents": 12,
            "figure_dpi": 150,
            "alpha": 0.05,
        },
        data="study",
        name="study",
    ),
    Case(REAL, check_real_data, data=None),
]


@pytest.fixture(scope="module", params=CASES, ids=[c.id for c in CASES])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    case: Case = request.param
    workdir = tmp_path_factory.mktemp(case.name or "real")
    dataset = _resolve(case)
    parameters = dict(case.parameters)
    folder: Path | None = None
    if case.notebook == STUDY:
        parameters["figures_dir"] = str(workdir / "figures")
        folder = EXAMPLE
        if case.data == "study":
            assert dataset is not None and dataset.truth is not None
            folder = write_dataset(dataset, workdir / "data")
            parameters["data"] = str(folder)  # its experiment: in the unit list it writes
    results = run_notebook(NOTEBOOKS / case.notebook, parameters, workdir / "results.json")
    return Run(case, dataset, folder, parameters, results)


@pytest.mark.notebooks
@pytest.mark.slow
def test_notebook_records_the_expected_numbers(run: Run) -> None:
    run.case.check(run.results, run.dataset, run.parameters)


def test_cases_name_existing_notebooks() -> None:
    assert all((NOTEBOOKS / c.notebook).is_file() for c in CASES)
    assert len({c.id for c in CASES}) == len(CASES)
