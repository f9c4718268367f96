"""research/02_wellbeing_and_productivity: run it and check its numbers against outside references.

The notebook runs top to bottom in a fresh ``hrproductivity`` kernel (papermill, working
directory = the notebook's folder, as in Jupyter) on two synthetic datasets whose generating
model is known (:mod:`hrproductivity.synthetic`):

- ``example``: the committed example with the notebook's default parameters (the data are
  byte-identical to ``synthetic.example_dataset()``, see ``tests/test_example_data.py``);
- ``variant``: another seed, four organisations, a stronger absence effect
  (``beta_sick = -0.5``) and survey waves labelled ``2022-11`` … that pair with HR and
  finance periods ``2022`` …, so that a join on equal labels would find nothing; with other
  parameters (organisation, holiday share, cost of a sick day, respondent threshold).

The references are outside the library: the generator's truth (``Dataset.truth``), hand
calculations from the raw CSV files the notebook read, and structural facts of the methods.
No reference is recomputed with the library's own functions.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from _notebooks import run_notebook

from hrproductivity import Dataset, synthetic, write_dataset
from hrproductivity.reports import check_parameters

pytestmark = pytest.mark.notebooks  # executes notebooks (make test-fast skips it)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "research" / "02_wellbeing_and_productivity.ipynb"
EXAMPLE = ROOT / "data" / "raw" / "example"

# Latent correlations of FE, YI and PL at every level (synthetic.Effects.factor_corr).
FACTOR_CORR = np.array([[1.0, 0.60, 0.50], [0.60, 1.0, 0.65], [0.50, 0.65, 1.0]])
# Reliability of the FE, YI and PL scores: the congeneric alpha of five 1-5 answers with the
# generator's loadings, derived by hand in the docstring of check_measurement in
# tests/test_notebooks.py (0.937 polyserial ratio; Spearman-Brown on the mean inter-item r).
FACTOR_RELIABILITY = np.array([0.785, 0.803, 0.803])
# The published interpretation bands' lower bounds and the 0.85 ceiling (docs/qwl-index.md).
BANDS = (0.40, 0.65, 0.75, 0.85)


# --------------------------------------------------------------------------- datasets


def _variant() -> tuple[Dataset, dict[str, str]]:
    """A second synthetic dataset, its waves renamed; returns it and wave -> truth label."""
    ds = synthetic.generate(
        n_orgs=4,
        units_per_org=(9, 12),
        respondents_per_wave=1200,
        seed=31,
        effects=synthetic.Effects(beta_sick=-0.5),
        instruments=("qwl15", "uwes9", "who5"),
        name="variant",
    )
    label = {w: f"{w}-11" for w in ds.waves}  # a November survey describes its own year
    renamed = dataclasses.replace(
        ds,
        responses=ds.responses.assign(wave=ds.responses["wave"].map(label).astype("str")),
        units=ds.units.assign(
            wave=ds.units["wave"].map(label).astype("str"),
            experiment_start=ds.units["experiment_start"].map(label).astype("str"),
        ),
        wave_period={label[w]: p for w, p in ds.wave_period.items()},
    )
    return renamed, {new: old for old, new in label.items()}


@dataclasses.dataclass(frozen=True)
class Run:
    name: str
    folder: Path
    dataset: Dataset  # with its truth
    truth_wave: dict[str, str]  # the notebook's wave label -> the truth's wave label
    parameters: dict[str, Any]
    results: dict[str, Any]


def _execute(parameters: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Run the notebook (tests/_notebooks.py), its numbers recorded to a fresh file."""
    return run_notebook(
        NOTEBOOK, parameters, workdir / "results.json", output=workdir / "executed.ipynb"
    )


@pytest.fixture(scope="module", params=["example", "variant"])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    workdir = tmp_path_factory.mktemp(request.param)
    if request.param == "example":
        ds, truth_wave = synthetic.example_dataset(), {w: w for w in ("2022", "2023", "2024")}
        folder, parameters = EXAMPLE, {}  # every default: the example that ships with the package
    else:
        ds, truth_wave = _variant()
        folder = write_dataset(ds, workdir / "data")
        parameters = {
            "data": str(folder),
            "org": ds.orgs[1],
            "holidays_share": 0.12,
            "outcome_cost_per_sick_day": 365.4,
            "min_respondents": 5,
            "individual_outcome": "uwes_total",
            "n_boot": 200,
            "seed": 3,
        }
    results = _execute(parameters, workdir)
    return Run(request.param, folder, ds, truth_wave, parameters, results)


def _parameter(run: Run, name: str) -> Any:
    return run.results["parameters"][name]


def _truth_unit_waves(run: Run) -> pd.DataFrame:
    """The truth's unit-wave table keyed by the notebook's wave labels."""
    assert run.dataset.truth is not None
    uw = run.dataset.truth["unit_wave"].copy()
    back = {old: new for new, old in run.truth_wave.items()}
    uw["wave"] = uw["wave"].map(back)
    return uw


def _recorded_panel(run: Run) -> pd.DataFrame:
    return pd.DataFrame(run.results["unit_waves"])


def _raw(run: Run) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """HR and finance as the CSV files hold them, and the wave -> period pairing of the yaml."""
    config = yaml.safe_load((run.folder / "dataset.yaml").read_text(encoding="utf-8"))
    text = {"org": str, "unit": str, "period": str}
    hr = pd.read_csv(run.folder / "hr.csv", dtype=text)
    finance = pd.read_csv(run.folder / "finance.csv", dtype=text)
    return hr, finance, {str(k): str(v) for k, v in config["wave_period"].items()}


def _fe_slope(y: np.ndarray, x: np.ndarray, unit: pd.Series, wave: pd.Series) -> float:
    """Slope of y on x with unit and wave indicators (least squares, written out)."""
    design = np.column_stack(
        [x, pd.get_dummies(unit, dtype=float), pd.get_dummies(wave, drop_first=True, dtype=float)]
    )
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(coef[0])


# --------------------------------------------------------------------------- the committed form


def test_committed_without_outputs_and_with_declared_parameters() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    check_parameters(NOTEBOOK, {"data": "x", "n_boot": 500, "seed": 1})


# --------------------------------------------------------------------------- checks


def test_panel_joins_each_wave_with_its_period(run: Run) -> None:
    """Unit-waves: respondents as the generator drew them; HR and finance of the period the
    yaml pairs with the wave, divided by hand from the CSV files."""
    hr, finance, wave_period = _raw(run)
    panel = _recorded_panel(run)
    truth = _truth_unit_waves(run)
    drawn = truth[truth["respondents"] > 0]
    merged = panel.merge(drawn, on=["org", "unit", "wave"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["n"] == merged["respondents"]).all()
    assert (panel["period"] == panel["wave"].map(wave_period)).all()
    assert (panel["n_qwl"] <= panel["n"]).all()
    assert panel["in_panel"].eq(panel["n_qwl"] >= _parameter(run, "min_respondents")).all()

    rows = panel.merge(hr, on=["org", "unit", "period"], validate="one_to_one")
    units = finance[finance["unit"].notna()]
    rows = rows.merge(units, on=["org", "unit", "period"], validate="one_to_one")
    assert len(rows) == len(panel)
    np.testing.assert_allclose(
        rows["sick_days_per_fte"], rows["sick_days"] / rows["fte_y"], rtol=1e-12
    )
    np.testing.assert_allclose(
        rows["revenue_per_fte"], rows["revenue_eur"] / rows["fte_y"], rtol=1e-12
    )


def test_panel_effect_on_sick_days_recovers_the_attenuated_truth(run: Run) -> None:
    """beta_sick days per FTE per true QWL point (truth["effects"]). The notebook regresses on
    the *measured* unit mean, so the fixed-effects estimate converges to beta_sick * lambda,
    lambda the slope of the true QWL (truth unit_wave.true_qwl, all employees, no item error)
    on the measured one within units and waves: classical errors-in-variables attenuation."""
    assert run.dataset.truth is not None
    beta = run.dataset.truth["effects"]["beta_sick"]
    panel = _recorded_panel(run)
    panel = panel[panel["in_panel"]].merge(_truth_unit_waves(run), on=["org", "unit", "wave"])
    lam = _fe_slope(
        100 * panel["true_qwl"].to_numpy(),
        panel["qwl"].to_numpy(),
        panel["org"] + "/" + panel["unit"],
        panel["wave"],
    )
    assert 0.3 < lam < 1.0, f"reliability of the within-unit changes {lam:.2f}"
    sick = run.results["panel_sick"]
    assert sick["n"] == len(panel)
    assert np.sign(sick["estimate"]) == np.sign(beta)
    assert sick["ci_high"] < 0, "a negative effect is expected and the data have the power"
    assert sick["ci_low"] <= beta * lam <= sick["ci_high"], (sick, beta, lam)


def test_panel_effect_on_productivity_recovers_the_attenuated_truth(run: Run) -> None:
    """The truth's noise-free value of services per FTE (K TYW (1 - AW) Q, with AW falling as
    QWL rises) regressed on the true QWL points within units and waves gives the true slope;
    the estimate on the measured QWL converges to that slope times lambda (as above)."""
    panel = _recorded_panel(run)
    panel = panel[panel["in_panel"]].merge(_truth_unit_waves(run), on=["org", "unit", "wave"])
    unit, wave = panel["org"] + "/" + panel["unit"], panel["wave"]
    true_q = 100 * panel["true_qwl"].to_numpy()
    slope = _fe_slope(panel["revenue_per_fte_structural"].to_numpy(), true_q, unit, wave)
    lam = _fe_slope(true_q, panel["qwl"].to_numpy(), unit, wave)
    prod = run.results["panel_productivity"]
    assert prod["estimate"] > 0
    assert prod["ci_low"] <= slope * lam <= prod["ci_high"], (prod, slope, lam)


def test_translation_into_euros_and_hours(run: Run) -> None:
    """Effect per FTE x cost of a day x FTE of every unit in the latest period (from hr.csv)."""
    hr, _, _ = _raw(run)
    fte = hr.loc[hr["period"] == run.results["latest_period"], "fte"].sum()
    assert run.results["fte_total"] == pytest.approx(fte, rel=1e-12)
    sick = run.results["panel_sick"]
    cost, hours = _parameter(run, "outcome_cost_per_sick_day"), _parameter(run, "hours_per_day")
    for key, factor in (("panel_sick_eur", cost * fte), ("panel_sick_hours", hours * fte)):
        got = run.results[key]
        assert got["outcome_change"] == pytest.approx(sick["estimate"], rel=1e-12)
        for end in ("estimate", "ci_low", "ci_high"):
            assert got[end] == pytest.approx(sick[end] * factor, rel=1e-9), (key, end)


def test_did_on_sick_days_against_the_experiment_truth(run: Run) -> None:
    """truth["experiment"]: the exact average effect on realised sick days per FTE of the
    treated units after the start (same draws with and without the experiment)."""
    assert run.dataset.truth is not None
    experiment = run.dataset.truth["experiment"]
    did = run.results["did_sick"]
    assert did["n_treated"] == experiment["n_treated_units"]
    assert did["staggered"] is False  # one common start
    true_att = experiment["att_sick_days_per_fte"]
    assert true_att < 0
    assert did["ci_low"] <= true_att <= did["ci_high"], (did, true_att)


def test_hcpf_of_one_organisation_by_hand(run: Run) -> None:
    """Kesti & Syväjärvi (2015) from the raw CSV rows of the organisation's latest period:
    AW = holidays + (sick + other + training days) x hours a day / sum(FTE x TYW);
    K = revenue / (sum(FTE x TYW) (1 - AW) QWL); a QWL point is worth 0.01 (revenue -
    variable costs) / QWL (market) and 0.01 staff costs / QWL (wage: the freed effective
    hours hired at the labour cost of a paid hour / effective share), so
    market / wage = (revenue - variable costs) / staff costs.
    The public valuation (the library's own, documented model, docs/valuation.md): the
    dH = 0.01 sum(FTE x TYW) (1 - AW) freed effective hours replace what is bought, dearest
    effective hour first, up to what is bought: purchased services (€ / their hour price,
    one effective hour each) and overtime hours (at 1.5 times the labour cost of an hour,
    staff costs / sum(FTE x TYW); an overtime hour holds QWL effective hours)."""
    hr, finance, _ = _raw(run)
    h = run.results["hcpf"]
    org, period = h["org"], h["period"]
    assert org == (_parameter(run, "org") or sorted(run.dataset.orgs)[0])
    rows = hr[(hr["org"] == org) & (hr["period"] == period)]
    money = finance[
        (finance["org"] == org) & (finance["period"] == period) & finance["unit"].isna()
    ]
    assert len(money) == 1
    revenue, variable = (
        float(money["revenue_eur"].iloc[0]),
        float(money["variable_costs_eur"].iloc[0]),
    )
    staff, fte = rows["staff_costs_eur"].sum(), rows["fte"].sum()
    hours = (rows["fte"] * rows["theoretical_hours_per_fte"]).sum()
    days = rows[["sick_days", "other_absence_days", "training_days"]].to_numpy().sum()
    aw = _parameter(run, "holidays_share") + days * _parameter(run, "hours_per_day") / hours
    qwl = h["qwl"]

    # the organisation's QWL: the mean over its respondents of the latest wave, i.e. the
    # mean of its unit means weighted by the respondents with an index
    panel = _recorded_panel(run)
    latest = panel[(panel["org"] == org) & (panel["wave"] == run.results["waves"][-1])]
    weights = latest["n_qwl"]
    assert 100 * qwl == pytest.approx((weights * latest["qwl"]).sum() / weights.sum(), rel=1e-12)

    assert h["fte"] == pytest.approx(fte, rel=1e-12)
    assert h["aw"] == pytest.approx(aw, rel=1e-12)
    assert h["effective_share"] == pytest.approx((1 - aw) * qwl, rel=1e-12)
    assert h["other_working_share"] == pytest.approx((1 - aw) * (1 - qwl), rel=1e-12)
    assert h["k"] == pytest.approx(revenue / (hours * (1 - aw) * qwl), rel=1e-12)
    value = h["value_eur"]
    assert value["market"] == pytest.approx(0.01 * (revenue - variable) / qwl, rel=1e-9)
    assert value["wage"] == pytest.approx(0.01 * staff / qwl, rel=1e-9)
    ratio = h["value_per_fte"]["market"] / h["value_per_fte"]["wage"]
    assert ratio == pytest.approx((revenue - variable) / staff, rel=1e-9)
    freed, labour = 0.01 * hours * (1 - aw), staff / hours
    price = _parameter(run, "purchased_service_hour_price")
    # (price per effective hour, effective hours bought)
    bought = [(price, rows["purchased_services_eur"].sum() / price)]
    bought.append((1.5 * labour / qwl, rows["overtime_hours"].sum() * qwl))
    public = 0.0
    for unit_price, available in sorted(bought, reverse=True):
        used = min(freed, available)
        public, freed = public + used * unit_price, freed - used
    assert value["public"] == pytest.approx(public, rel=1e-9)
    # potential: the next published band above the QWL, linear in the points gained
    target = min(b for b in BANDS if b > qwl)
    assert h["potential_target"] == pytest.approx(target)
    for v in ("market", "wage"):
        gained = 100 * (target - qwl)
        assert h["potential_eur"][v] == pytest.approx(gained * value[v], rel=1e-9), v


def _lmg_by_hand(corr: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """LMG shares of R² by averaging the R² gains over all orders of entry."""
    p = len(rxy)

    def r2(s: tuple[int, ...]) -> float:
        idx = list(s)
        return float(rxy[idx] @ np.linalg.solve(corr[np.ix_(idx, idx)], rxy[idx])) if idx else 0.0

    gains = np.zeros(p)
    orders = list(itertools.permutations(range(p)))
    for order in orders:
        for k, j in enumerate(order):
            gains[j] += r2(order[: k + 1]) - r2(order[:k])
    gains /= len(orders)
    return gains / gains.sum()


def test_lmg_shares_sum_to_one_and_match_the_generator(run: Run) -> None:
    """Engagement loads on the *equally weighted* mean of the three latent factors
    (synthetic: z = mean of eta, standardised), so its correlation with a factor is
    proportional to that factor's row sum of the latent correlations, times the square root
    of the factor score's reliability; the scores correlate R_fg sqrt(rel_f rel_g). The
    loading of engagement on z cancels from the shares. LMG over the 3! orders by hand:
    FE 0.309, YI 0.359, PL 0.331. Tolerance 0.05: 1.5 times the bootstrap half-width of
    about 0.033 at 4 500 respondents, since the row bootstrap ignores the units."""
    lmg = run.results["lmg"]
    shares = np.array([lmg[f]["share"] for f in ("FE", "YI", "PL")])
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert sum(lmg[f]["estimate"] for f in lmg) == pytest.approx(run.results["lmg_r2"], rel=1e-9)
    for f, values in lmg.items():
        assert 0 <= values["share_ci_low"] <= values["share"] <= values["share_ci_high"] <= 1, f
    root = np.sqrt(FACTOR_RELIABILITY)
    corr = FACTOR_CORR * np.outer(root, root)
    np.fill_diagonal(corr, 1.0)
    expected = _lmg_by_hand(corr, FACTOR_CORR.sum(axis=1) * root)
    np.testing.assert_allclose(expected, [0.309, 0.359, 0.331], atol=5e-4)
    np.testing.assert_allclose(shares, expected, atol=0.05)


def test_mediation_paths(run: Run) -> None:
    """Structure: fitted to unit-centred data with centred wave indicators, the a path is the
    fixed-effects slope of section 3 (Frisch-Waugh-Lovell); indirect = a b and total =
    direct + indirect. Truth: sick days take time from work, so value of services per FTE
    falls with them (b < 0; the generator's -K Q x hours a day per day), and with
    beta_sick < 0 the indirect effect of QWL through absence is positive. (Its size is not
    checked: the measurement error of the unit means inflates b, as the notebook says.)"""
    assert run.dataset.truth is not None
    med = run.results["mediation"]
    a, b = med["a"]["estimate"], med["b"]["estimate"]
    assert a == pytest.approx(run.results["panel_sick"]["estimate"], rel=1e-8)
    assert med["indirect"]["estimate"] == pytest.approx(a * b, rel=1e-9)
    total = med["direct"]["estimate"] + med["indirect"]["estimate"]
    assert med["total"]["estimate"] == pytest.approx(total, rel=1e-9)
    assert med["total"]["estimate"] == pytest.approx(
        run.results["panel_productivity"]["estimate"], rel=1e-8
    )
    uw = run.dataset.truth["unit_wave"]
    b_true = -(uw["k_eur_per_hour"] * uw["true_qwl"]).mean() * _parameter(run, "hours_per_day")
    assert b < 0 and med["b"]["ci_high"] < 0 and b_true < 0
    beta = run.dataset.truth["effects"]["beta_sick"]
    assert np.sign(med["indirect"]["estimate"]) == np.sign(beta * b_true) == 1
    assert med["indirect"]["ci_low"] > 0


def test_multilevel_within_and_between(run: Run) -> None:
    """Truth: WHO-5 and UWES-9 are built on the person's standardised QWL factors with a
    positive correlation (who5_qwl_corr 0.5, uwes_qwl_corr 0.7), so the within-unit slope is
    positive; contextual = between - within."""
    ml = run.results["multilevel"]
    assert ml["qwl_within"]["ci_low"] > 0
    contextual = ml["qwl_between"]["estimate"] - ml["qwl_within"]["estimate"]
    assert ml["qwl_contextual"]["estimate"] == pytest.approx(contextual, rel=1e-9)


def test_records_are_finite(run: Run) -> None:
    def walk(value: Any) -> Iterator[float]:
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)
        elif isinstance(value, float):
            yield value

    for key in ("panel_sick", "panel_productivity", "did_sick", "mediation", "lmg", "hcpf"):
        assert all(math.isfinite(x) for x in walk(run.results[key])), key
