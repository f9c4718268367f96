"""Run the notebooks top to bottom on small data and check the numbers they record.

A notebook's last cell saves its key numbers with :func:`hrproductivity.reports.record`;
:func:`run_notebook` executes the notebook with papermill in a fresh ``hrproductivity``
kernel (working directory = the notebook's folder, as in Jupyter) and returns those
numbers. Adding a notebook is one entry in :data:`CASES`: the notebook, its parameters,
the test dataset that goes into its ``data`` parameter, and a check function.

Outside references. The test datasets come from :mod:`hrproductivity.synthetic`, whose
generating model is known, so the checks compare the recorded numbers with

- the generator's truth (``Dataset.truth``): respondents per unit, staff invited, the
  expected ICC(1) of the factor scores, the units' realised latent effects;
- hand calculations from the generator's documented parameters (loadings 0.62-0.80,
  category shares, no item bias between groups), written out in the docstrings;
- structural facts of the methods (degrees of freedom of nested CFA models, the
  Spearman-Brown relation between ICC(1) and ICC(2), the anonymity rules).

Values recomputed here with the library's own lower-level functions would not be outside
references, so no check does that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from _notebooks import run_notebook

from hrproductivity import Dataset, synthetic, write_dataset

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

Results = dict[str, Any]
# check(results, dataset, parameters): raises AssertionError on a wrong number; dataset is
# the test dataset with its truth (None for a notebook run without data)
Check = Callable[[Results, Dataset | None, Mapping[str, Any]], None]


# --------------------------------------------------------------------------- harness


@dataclass(frozen=True)
class Case:
    """One notebook run: what to run, on which data, and how to check it."""

    notebook: str  # path under notebooks/
    check: Check
    parameters: Mapping[str, Any] = field(default_factory=dict)
    # Test dataset for the notebook's `data` parameter: "example" keeps the notebook's
    # default (the example that ships with the package), "small" is the
    # synthetic dataset below written to a temporary folder, None passes no data.
    data: str | None = "small"
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.notebook}[{self.name}]" if self.name else self.notebook


@cache
def _dataset(name: str) -> Dataset:
    if name == "example":
        # Byte-identical to data/raw/example (tests/test_example_data.py), with its truth.
        return synthetic.example_dataset()
    if name == "small":
        # Three organisations of 6-9 units, two waves, about 600 respondents a wave.
        return synthetic.generate(
            n_orgs=3,
            units_per_org=(6, 9),
            waves=("2023", "2024"),
            respondents_per_wave=600,
            seed=7,
            name="small",
        )
    raise KeyError(f"unknown test dataset {name!r}; use 'example', 'small' or None")


@pytest.fixture(scope="session")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(_dataset("small"), tmp_path_factory.mktemp("small") / "small")


# --------------------------------------------------------------------------- 01_measurement

# Values derived by hand from the generator's documented parameters (synthetic.Effects
# defaults); the derivations are in the docstring of check_measurement.
LOADINGS = dict(
    zip([f"qwl_{i:02d}" for i in range(1, 16)], synthetic.Effects().qwl_loadings, strict=True)
)
POLYSERIAL = 0.937  # correlation of a 1-5 answer with its latent response, over lambda
ALPHA_EXPECTED = {"FE": 0.785, "YI": 0.803, "PL": 0.803}  # congeneric alpha of the answers
ALPHA_RANGE = (0.718, 0.899)  # alpha over the design range of loadings, 0.62-0.80
CFA_DF = 120 - 33  # moments minus free parameters of the single-group model
STEP_DF = 15 - 3  # df each invariance step adds per group beyond the first
RWG_MEDIAN_RANGE = (0.70, 0.90)  # median rwg(j) of a factor, uniform null


def _between_ratio(ds: Dataset, waves: list[str]) -> dict[str, float]:
    """Latent between-unit variance of the units drawn, over its design value, per factor.

    The truth's ``icc1_factor_score`` (0.102-0.104) is the expected ICC(1) of a factor
    score when the latent between-unit variance is its design value var_org + var_unit =
    0.13. The units drawn have their own effects: organisation a_o + unit b_ut + wave
    shift + the experiment's shift for treated units after its start. Their variance,
    weighted by respondents as the one-way ANOVA weights groups
    (sum n_g (m_g - m)^2 / (N - sum n_g^2 / N)), over 0.13 rescales the expected ICC(1)
    for these very units; to first order the total variance does not change.
    """
    truth = ds.truth
    assert truth is not None
    uw = truth["unit_wave"]
    uw = uw[uw["wave"].isin(waves)]
    effects = truth["effects"]
    org = truth["org_effects"].set_index("org")
    shift = truth["wave_effects"].set_index("wave")["latent_shift"]
    n = uw["respondents"].to_numpy(dtype=float)
    total = n.sum()
    out = {}
    for i, f in enumerate(("FE", "YI", "PL")):
        m = (
            uw[f"unit_effect_{f.lower()}"].to_numpy()
            + org.loc[uw["org"], f.lower()].to_numpy()
            + shift.loc[uw["wave"]].to_numpy()
            + (uw["treated"] & uw["post"]).to_numpy() * effects["experiment_shift"][i]
        )
        mean = float((n * m).sum() / total)
        between = float((n * (m - mean) ** 2).sum() / (total - (n**2).sum() / total))
        out[f] = between / (effects["var_org"] + effects["var_unit"])
    return out


def _icc1_tolerance(icc: float, k: float, groups: int) -> float:
    """Three large-sample standard errors of ICC(1) (Fisher 1925; Donner 1986):
    Var = 2 (1 - rho)^2 (1 + (k - 1) rho)^2 / (k (k - 1) (J - 1)). Conservative here,
    since the reference already conditions on the units' drawn effects."""
    var = 2 * (1 - icc) ** 2 * (1 + (k - 1) * icc) ** 2 / (k * (k - 1) * (groups - 1))
    return 3 * math.sqrt(var)


def _design_effect(ds: Dataset, k: float) -> float:
    """Kish's design effect 1 + (k - 1) rho of respondents clustered in units of mean size k,
    with rho the truth's expected ICC(1) of a factor score: answers in one unit are not
    independent, so estimates vary more than simple random samples of n would make them."""
    assert ds.truth is not None
    return 1 + (k - 1) * max(ds.truth["variance_components"]["icc1_factor_score"].values())


def _alpha_tolerance(alpha: float, n: float, deff: float, items: int = 5) -> float:
    """Three standard errors of alpha: Var = 2k (1 - alpha)^2 / ((k - 1) n) for k items
    (van Zyl, Neudecker & Nel 2000, compound symmetry), times the design effect."""
    return 3 * math.sqrt(deff * 2 * items / (items - 1) / n) * (1 - alpha)


def check_measurement(results: Results, ds: Dataset | None, parameters: Mapping[str, Any]) -> None:
    """research/01_measurement against the generator's truth and hand calculations.

    From the truth (``Dataset.truth``): respondents and staff per unit and wave (sample,
    response rate, which units the anonymity rules must hide), the expected ICC(1) of the
    factor scores rescaled to the units drawn (:func:`_between_ratio`), and the absence of
    item bias between organisations or waves (so invariance must hold).

    By hand, from the generator's parameters:

    *Answers.* QWL item j has the latent response y* = nu_j + lambda_j eta + e with
    Var(y*) = 1, so two items of a factor correlate lambda_i lambda_j. Cut into 5 answers
    at tau = Phi^-1(cumulative shares .04 .15 .37 .77) = (-1.751, -1.036, -0.332, 0.739),
    an item at nu = 0 has E[x] = sum_k P(y* > tau_k) = .96 + .85 + .63 + .23 = 2.67,
    E[x^2] = sum_k (2k - 1) P(y* > tau_k) = .96 + 3(.85) + 5(.63) + 7(.23) = 8.27,
    Var(x) = 8.27 - 2.67^2 = 1.141 and Cov(x, y*) = sum_k phi(tau_k) = .0863 + .2333 +
    .3774 + .3040 = 1.001: the polyserial ratio c = 1.001 / sqrt(1.141) = 0.937
    (``POLYSERIAL``). An answer correlates c lambda with its factor, which is the
    standardized CFA loading to expect, and two answers about c^2 lambda_i lambda_j.

    *Alpha* of k = 5 items is k r / (1 + (k - 1) r), r the mean inter-item correlation
    (Spearman-Brown; for congeneric items r is the mean of lambda_i lambda_j over the 10
    pairs, ((sum lambda)^2 - sum lambda^2) / 20):

    - FE (.75 .62 .72 .68 .70): sum 3.47, sum of squares 2.4177, r = 0.4812,
      alpha = 2.406 / 2.925 = 0.823 for latent responses;
    - YI (.72 .78 .64 .70 .74): sum 3.58, sum of squares 2.5740, r = 0.5121, alpha = 0.840;
    - PL (.66 .80 .74 .70 .68): sum 3.58, sum of squares 2.5756, r = 0.5120, alpha = 0.840.

    Answers shrink r by c^2 = 0.878: FE r = 0.4225, alpha = 2.112 / 2.690 = 0.785, YI and
    PL r = 0.4496, alpha = 0.803 (``ALPHA_EXPECTED``). Over the design range, every
    loading 0.62 with coarsening gives r = 0.3375, alpha = 0.718, every loading 0.80
    without it r = 0.64, alpha = 0.899 (``ALPHA_RANGE``). Alpha is a lower bound of the
    reliability of congeneric items, so omega must not fall below it.

    *CFA.* 15 items give p(p + 1)/2 = 120 moments; the model frees 12 loadings, 15
    residual variances, 3 factor variances and 3 covariances: df = 120 - 33 = 87. The
    generating model is the fitted model, so it must meet Hu & Bentler's cut-offs.
    Invariance across G groups: configural df = 87 G; metric fixes the 12 free loadings
    in each group beyond the first, scalar the 15 intercepts while freeing 3 latent means:
    12 (G - 1) each (``STEP_DF``). Nested models: chi2 cannot fall as constraints grow.

    *rwg(j)* against the uniform null sigma_E^2 = (5^2 - 1)/12 = 2: the within-unit item
    variance is about Var(x)(1 - item ICC) = 1.141 * 0.94 = 1.07, so s^2 / sigma_E^2 =
    0.54 and rwg(j) = 5(1 - .54) / (5(1 - .54) + .54) = 0.81. The intercepts spread the
    item variances from 0.93 to 1.34, i.e. rwg(j) from 0.75 to 0.87; a unit's sampling
    noise widens that, hence a median within [0.70, 0.90] (``RWG_MEDIAN_RANGE``).

    Tolerances are three standard errors from the large-sample formulas, inflated by the
    design effect of answers clustered in units (:func:`_design_effect`).
    """
    assert ds is not None and ds.truth is not None
    truth = ds.truth
    min_n = parameters.get("min_n", 5)
    waves = [parameters["wave"]] if parameters.get("wave") else ds.waves
    by_org = parameters.get("by_org", True)
    uw = truth["unit_wave"]
    uw = uw[uw["wave"].isin(waves)]
    factors = ["FE", "YI", "PL"]

    # (a) the sample is the one the generator drew
    assert results["waves"] == waves
    assert results["n_respondents"] == uw["respondents"].sum()
    assert results["n_orgs"] == uw["org"].nunique()
    assert results["response_rate"] == pytest.approx(
        uw["respondents"].sum() / uw["employees"].sum(), rel=1e-12
    )
    drawn = uw.groupby(["org", "wave"])["respondents"].sum()
    assert {
        (o, w): n for o, by_wave in results["respondents"].items() for w, n in by_wave.items()
    } == {k: int(v) for k, v in drawn.items()}

    # (b) reliability: the congeneric alpha of the design, attenuated by 5 answer options
    deff = _design_effect(ds, results["icc_k"]["FE"])
    for f in factors:
        assert ALPHA_RANGE[0] <= ALPHA_EXPECTED[f] <= ALPHA_RANGE[1]
        tolerance = _alpha_tolerance(ALPHA_EXPECTED[f], results["n_respondents"], deff)
        assert results["alpha"][f] == pytest.approx(ALPHA_EXPECTED[f], abs=tolerance), f
        low, high = results["alpha_ci"][f]
        assert low < results["alpha"][f] < high
        # alpha is a lower bound of reliability under the congeneric model (omega);
        # 0.01 for alpha's pairwise and omega's listwise samples
        assert results["omega"][f] >= results["alpha"][f] - 0.01, f
    if by_org:
        by_org_alpha = results["alpha_by_org"]
        assert set(by_org_alpha) == set(uw["org"])
        for org, alphas in by_org_alpha.items():
            n_org = uw.loc[uw["org"] == org, "respondents"].sum()
            for f in factors:
                tolerance = _alpha_tolerance(ALPHA_EXPECTED[f], n_org, deff)
                assert alphas[f] == pytest.approx(ALPHA_EXPECTED[f], abs=tolerance), (org, f)
    else:
        assert results["alpha_by_org"] is None

    # (c) CFA: the generating model is the fitted one, so it must fit by every cut-off
    cfa = results["cfa"]
    assert cfa["df"] == CFA_DF
    assert cfa["cfi"] >= 0.95 and cfa["tli"] >= 0.95
    assert cfa["rmsea"] <= 0.06 and cfa["srmr"] <= 0.08
    assert set(results["cfa_loadings"]) == set(LOADINGS)
    for item, loading in results["cfa_loadings"].items():
        expected = POLYSERIAL * LOADINGS[item]
        # 0.02 for c varying with the item intercepts (0.91-0.95, times lambda), plus three
        # large-sample standard errors of a standardized loading, (1 - lambda^2) / sqrt(n)
        # as for a correlation, times the design effect
        tolerance = 0.02 + 3 * (1 - expected**2) * math.sqrt(deff / cfa["n"])
        assert loading == pytest.approx(expected, abs=tolerance), item

    # (d) invariance: nested models, and no item bias in the generator, so Delta CFI
    # stays within Cheung & Rensvold's .01 at every step
    expected_groups = {}
    if by_org and uw["org"].nunique() > 1:
        expected_groups["org"] = uw["org"].nunique()
    if len(waves) > 1:
        expected_groups["wave"] = len(waves)
    invariance = results["invariance"]
    assert set(invariance) == set(expected_groups)
    for column, groups in expected_groups.items():
        models = invariance[column]
        configural, metric, scalar = models["configural"], models["metric"], models["scalar"]
        assert configural["df"] == groups * CFA_DF, column
        assert metric["df"] - configural["df"] == (groups - 1) * STEP_DF, column
        assert scalar["df"] - metric["df"] == (groups - 1) * STEP_DF, column
        assert configural["chi2"] <= metric["chi2"] <= scalar["chi2"], column
        assert configural["n"] == metric["n"] == scalar["n"] == cfa["n"], column
        assert metric["delta_cfi"] >= -0.01 and scalar["delta_cfi"] >= -0.01, column

    # (e) aggregation: ICC(1) near the truth for these units, both estimators
    k = results["icc_k"]["FE"]
    groups = results["n_unit_waves"]
    assert groups == len(uw[uw["respondents"] > 0])
    components = truth["variance_components"]
    ratio = _between_ratio(ds, waves)
    reference = {f: components["icc1_factor_score"][f] * ratio[f] for f in factors}
    for f in factors:
        tolerance = _icc1_tolerance(reference[f], k, groups)
        assert results["icc1"][f] == pytest.approx(reference[f], abs=tolerance), f
        assert results["icc1_mixed"][f] == pytest.approx(reference[f], abs=tolerance), f
    # The QWL index combines 15 items, so less error than one factor's 5 items: its ICC(1)
    # lies between the factors' and the latent ICC(1) of the units drawn (no item error).
    latent = components["icc1_latent"] * max(ratio.values())
    tolerance = _icc1_tolerance(latent, k, groups)
    assert min(reference.values()) - tolerance <= results["icc1"]["qwl_index"]
    assert results["icc1"]["qwl_index"] <= latent + tolerance
    # ICC(2) is ICC(1) stepped up to the adjusted mean unit size k (Spearman-Brown;
    # Bliese 2000); k differs a little between scores when some answers are missing
    for name, icc1 in results["icc1"].items():
        kk = results["icc_k"][name]
        assert results["icc2"][name] == pytest.approx(kk * icc1 / (1 + (kk - 1) * icc1), rel=1e-9)
        low, high = results["icc1_ci"][name]
        assert low < icc1 < high
    for f in factors:
        assert RWG_MEDIAN_RANGE[0] <= results["rwg_j_median"][f] <= RWG_MEDIAN_RANGE[1], f
        assert 0 <= results["rwg_j_share_70"][f] <= 1

    # (f) anonymity: every unit the generator gave fewer than min_n respondents is hidden,
    # and no hidden or rank-only unit shows a figure
    table = pd.DataFrame(results["unit_table"])
    keys = ["org", "unit", "wave"]
    merged = table.merge(uw[[*keys, "respondents"]], on=keys, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), "the unit table and the truth list other units"
    assert (merged["n"] == merged["respondents"]).all()
    small = merged["respondents"] < min_n
    assert (merged.loc[small, "status"] == "hidden").all()
    figures = [c for c in table.columns if c not in (*keys, "n", "status")]
    assert "qwl_index" in figures and {f"{f}_mean" for f in factors} <= set(figures)
    not_shown = table["status"] != "shown"
    assert table.loc[not_shown, figures].isna().all(axis=None), "a hidden unit shows figures"
    assert table.loc[~not_shown, "qwl_index"].notna().all()
    assert (table.loc[~not_shown, "n"] >= parameters.get("rank_only_below", 10)).all()
    assert results["units_below_min_n"] == int(small.sum())
    hidden = int((table["status"] == "hidden").sum())
    assert results["units_hidden"] == hidden == int(small.sum()) + results["units_complementary"]
    assert results["units_rank_only"] == int((table["status"] == "rank_only").sum())


# --------------------------------------------------------------------------- the cases

CASES = [
    # The defaults a researcher opens: the example that ships with the package.
    Case("research/01_measurement.ipynb", check_measurement, data="example", name="example"),
    # One wave of a small dataset, pooled reliability only, a stricter threshold.
    Case(
        "research/01_measurement.ipynb",
        check_measurement,
        {"wave": "2024", "min_n": 8, "by_org": False},
        name="small-one-wave",
    ),
]


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_notebook_records_the_expected_numbers(
    case: Case, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    parameters = dict(case.parameters)
    dataset = _dataset(case.data) if case.data is not None else None
    if case.data == "small":
        parameters["data"] = str(request.getfixturevalue("small_folder"))
    results = run_notebook(NOTEBOOKS / case.notebook, parameters, tmp_path / "results.json")
    case.check(results, dataset, parameters)


# --------------------------------------------------------------------------- committed form


def _committed_notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize(
    "path", _committed_notebooks(), ids=lambda p: str(p.relative_to(NOTEBOOKS))
)
def test_notebook_is_committed_without_outputs_and_with_one_parameters_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"clear the outputs of cells {dirty} before committing"
    tagged = [i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, f"cells tagged 'parameters': {tagged}; exactly one is needed"
    assert nb.cells[tagged[0]].cell_type == "code"


def test_every_case_names_an_existing_notebook() -> None:
    missing = [c.notebook for c in CASES if not (NOTEBOOKS / c.notebook).is_file()]
    assert not missing
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
