"""Notebook 02, *reading your QWL report*: the index and its bands, the uncertainty of a
survey result, and why the results of small groups are hidden.

:func:`band_table`, :func:`plot_band`, :func:`band_values` and :func:`factor_effects` read
the index and its interpretation bands; :func:`sampling_demo` lets one unit answer the
survey many times to show how the result moves by chance; :func:`kunta10_example` applies
the Kunta10 anonymity rules and :func:`differencing_example` shows how a hidden result can
be recovered by subtraction, and how :func:`~hrproductivity.privacy.suppress` stops it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hrproductivity import bands
from hrproductivity._checks import check_number, check_share, level_to_alpha, renamed_argument
from hrproductivity.aggregation import mean_ci
from hrproductivity.errors import ArgumentError, UnknownNameError
from hrproductivity.hcpf import QWL_PRODUCTIVITY_CEILING
from hrproductivity.locales import fmt_number, fmt_pct
from hrproductivity.plots import axes
from hrproductivity.privacy import suppress
from hrproductivity.scoring import QWL_BANDS, qwl_index
from hrproductivity.teaching._common import (
    _BAND_COLOURS,
    _COLOURS,
    _FACTORS,
    _band,
    _check_lang,
    _points,
    _tidy,
    text,
)
from hrproductivity.teaching.year import qwl_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "DifferencingExample",
    "SamplingDemo",
    "band_table",
    "band_values",
    "differencing_example",
    "factor_effects",
    "kunta10_example",
    "mean_interval",
    "next_band",
    "plot_band",
    "plot_sampling",
    "sampling_demo",
    "sampling_table",
    "simulate_respondents",
]


def band_table(*, lang: str = "fi") -> pd.DataFrame:
    """The published interpretation bands of the QWL index, with what each band means.

    Parameters
    ----------
    lang : {"fi", "en"}, default "fi"

    Returns
    -------
    DataFrame
        One row per band, lowest first: the band label (from
        :data:`hrproductivity.scoring.QWL_BANDS`), its range in % and what it means
        for a work unit (the reports' text, :func:`hrproductivity.bands.meaning`; not
        part of the source).

    Examples
    --------
    >>> band_table(lang="en").iloc[:, 1].tolist()
    ['below 40%', '40–64%', '65–74%', '75% or more']
    """
    _check_lang(lang)
    fi = lang == "fi"
    cuts = [round(100 * b[0]) for b in QWL_BANDS]
    pc = "\u00a0%" if fi else "%"
    ranges = []
    for i, low in enumerate(cuts):
        if i == 0:
            ranges.append(f"{'alle' if fi else 'below'} {cuts[1]}{pc}")
        elif i == len(cuts) - 1:
            ranges.append(f"{low}{pc} {'tai yli' if fi else 'or more'}")
        else:
            ranges.append(f"{low}–{cuts[i + 1] - 1}{pc}")
    return pd.DataFrame(
        {
            text("label.band", lang=lang): [b[2] if fi else b[1] for b in QWL_BANDS],
            text("label.range", lang=lang): ranges,
            text("label.meaning", lang=lang): [bands.meaning(c, lang=lang) for c in bands.CODES],
        }
    )


def plot_band(qwl: float, *, lang: str = "fi", ax: Axes | None = None) -> Axes:
    """The four bands as a coloured scale 0-100 % with the unit's index marked.

    Parameters
    ----------
    qwl : float
        The index as a share.
    lang : {"fi", "en"}, default "fi"
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    _check_lang(lang)
    ax = axes(ax, (8.0, 1.5))
    cuts = [100 * b[0] for b in QWL_BANDS] + [100.0]
    for i, band in enumerate(QWL_BANDS):
        ax.barh(0, cuts[i + 1] - cuts[i], left=cuts[i], color=_BAND_COLOURS[i], height=0.6)
        label = band[2] if lang == "fi" else band[1]
        if cuts[i + 1] - cuts[i] < 20:  # a narrow band: one word a line
            label = label.replace(" ", "\n", 1)
        ax.text((cuts[i] + cuts[i + 1]) / 2, -0.4, label, ha="center", va="top", fontsize=7)
    ax.plot([100 * qwl], [0.45], marker="v", color="black", markersize=11)
    ax.text(100 * qwl, 0.62, fmt_pct(qwl, lang=lang), ha="center", va="bottom", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_ylim(-1.2, 1.0)
    ax.set_yticks([])
    ax.set_xticks([0, 40, 65, 75, 100])
    ax.set_xticklabels([fmt_pct(t / 100, lang=lang, decimals=0) for t in (0, 40, 65, 75, 100)])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def next_band(qwl: float) -> tuple[float, str | None]:
    """The lower bound of the next band above ``qwl`` (or the 0.85 ceiling from the top band).

    Parameters
    ----------
    qwl : float
        The index as a share.

    Returns
    -------
    tuple
        (the bound as a share, the band's English label or None for the ceiling).

    Examples
    --------
    >>> next_band(0.54)
    (0.65, 'some to develop')
    >>> next_band(0.80)
    (0.85, None)
    """
    check_share("qwl", qwl)
    for low, label_en, _label_fi in QWL_BANDS:
        if low > round(qwl, 3):
            return low, label_en
    return QWL_PRODUCTIVITY_CEILING, None


def band_values(fe: float, yi: float, pl: float, *, lang: str = "fi") -> dict[str, str]:
    """Formatted values for the ``report.example_unit`` text.

    Parameters
    ----------
    fe, yi, pl : float
        Factor shares, 0-1.
    lang : {"fi", "en"}, keyword-only, default "fi"

    Returns
    -------
    dict of str
        ``fe``, ``yi``, ``pl``, ``qwl``, ``band``, ``next`` (the next band and its lower
        bound, or the 0.85 ceiling) and ``gap`` (percentage points to it, from the index
        as printed).

    Examples
    --------
    >>> v = band_values(0.68, 0.72, 0.66, lang="en")
    >>> v["qwl"], v["band"], v["next"], v["gap"]
    ('54.2%', 'much to develop', 'some to develop, 65%', '10.8')
    """
    _check_lang(lang)
    q = qwl_of(fe, yi, pl)
    printed = round(q, 3)
    bound, label_en = next_band(printed)
    if label_en is None:
        name = "tuottavuuden yläraja" if lang == "fi" else "the productivity ceiling"
    else:
        labels = {b[1]: b[2] for b in QWL_BANDS}
        name = labels[label_en] if lang == "fi" else label_en
    return {
        "fe": fmt_pct(fe, lang=lang, decimals=0),
        "yi": fmt_pct(yi, lang=lang, decimals=0),
        "pl": fmt_pct(pl, lang=lang, decimals=0),
        "qwl": fmt_pct(q, lang=lang),
        "band": _band(q, lang),
        "next": f"{name}, {fmt_pct(bound, lang=lang, decimals=0)}",
        "gap": fmt_number(100 * (bound - printed), lang=lang),
    }


def factor_effects(
    fe: float, yi: float, pl: float, *, step: float = 0.10, lang: str | None = None
) -> pd.DataFrame:
    """How much the index moves when one factor rises by ``step`` and the others stay.

    Parameters
    ----------
    fe, yi, pl : float
        The factor shares, 0-1.
    step : float, keyword-only, default 0.10
        The rise of one factor (10 percentage points); capped at 1.
    lang : {"fi", "en"}, optional, keyword-only
        None: numbers with the columns ``factor``, ``qwl``, ``qwl_after``,
        ``change_points``. A language: the same as formatted strings with labels.

    Returns
    -------
    DataFrame
        One row per factor.

    Examples
    --------
    At the published anchor FE weighs most, then YI, then PL:

    >>> factor_effects(0.75, 0.75, 0.75)["change_points"].round(1).tolist()
    [6.9, 3.4, 2.3]
    """
    base = [check_share(n, v) for n, v in zip(("fe", "yi", "pl"), (fe, yi, pl), strict=True)]
    check_share("step", step)
    now = qwl_of(*base)
    rows = []
    for i, name in enumerate(_FACTORS):
        moved = list(base)
        moved[i] = min(1.0, moved[i] + step)
        after = qwl_of(*moved)
        rows.append((name, now, after, 100.0 * (after - now)))
    out = pd.DataFrame(rows, columns=["factor", "qwl", "qwl_after", "change_points"])
    if lang is None:
        return out
    _check_lang(lang)
    return pd.DataFrame(
        {
            text("label.factor", lang=lang): out["factor"],
            text("label.now", lang=lang): [fmt_pct(v, lang=lang) for v in out["qwl"]],
            text("label.after", lang=lang): [fmt_pct(v, lang=lang) for v in out["qwl_after"]],
            text("label.change", lang=lang): [_points(v / 100, lang) for v in out["change_points"]],
        }
    )


def simulate_respondents(
    n: int,
    *,
    rng: np.random.Generator,
    means: tuple[float, float, float] = (0.72, 0.72, 0.70),
    sd: float = 0.20,
    corr: float = 0.5,
) -> pd.DataFrame:
    """Answers of ``n`` respondents of one unit: factor shares and the QWL index.

    Parameters
    ----------
    n : int
        Respondents, 1 or more.
    rng : numpy.random.Generator, keyword-only
    means : tuple of 3 float, keyword-only, default (0.72, 0.72, 0.70)
        Mean FE, YI and PL shares of the unit's staff (before clipping to 0-1).
    sd : float, keyword-only, default 0.20
        Spread of a person's factor share around the unit mean (the example dataset's
        person-level factor shares have SD ≈ 0.19, about 0.16 within a unit).
    corr : float, keyword-only, default 0.5
        Correlation of a person's three factors (0.43-0.53 in the example dataset).

    Returns
    -------
    DataFrame
        ``FE_share``, ``YI_share``, ``PL_share`` and ``qwl_index`` (kesti_approx,
        per respondent, as the reports compute it).

    Notes
    -----
    share_f = clip(mean_f + sd (√corr z + √(1 − corr) e_f), 0, 1) with z and e_f
    independent standard normal: a teaching model, not the library's synthetic survey
    model (:mod:`hrproductivity.synthetic`), which simulates whole organisations.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ArgumentError(f"n must be a whole number of 1 or more, got {n!r}")
    check_number("sd", sd)
    check_share("corr", corr)
    z = rng.standard_normal((int(n), 1))
    e = rng.standard_normal((int(n), 3))
    latent = math.sqrt(corr) * z + math.sqrt(1.0 - corr) * e
    shares = np.clip(np.asarray(means, dtype="float64") + sd * latent, 0.0, 1.0)
    out = pd.DataFrame(shares, columns=[f"{f}_share" for f in _FACTORS])
    out["qwl_index"] = qwl_index(out, method="kesti_approx")
    return out


@renamed_argument("level", "alpha", level_to_alpha("level"), hint="1 - level")
def mean_interval(
    values: Sequence[float] | np.ndarray, *, alpha: float = 0.05
) -> tuple[float, float, float]:
    """The mean and its t-interval: mean ± t(n − 1) × SD / √n.

    The reports print the same interval: both call
    :func:`hrproductivity.aggregation.mean_ci` (docs/intervals.md).

    Parameters
    ----------
    values : sequence of float
        Two or more values.
    alpha : float, keyword-only, default 0.05
        Significance level: a ``1 - alpha`` interval (the project's convention).
        (Was ``level``, the confidence level 0.95; the old name still works, with
        a ``DeprecationWarning``, for one release.)

    Returns
    -------
    tuple of float
        (mean, low, high).

    Examples
    --------
    Mean 0.5, SD √(0.02 / 3) = 0.0816, n = 4: the half-width is t(3, 0.975) × 0.0816 / 2
    = 3.1824 × 0.0408:

    >>> m, lo, hi = mean_interval([0.4, 0.5, 0.5, 0.6])
    >>> round(m, 4), round(hi - m, 4)
    (0.5, 0.1299)
    """
    x = np.asarray(values, dtype="float64")
    if x.size < 2:
        raise ArgumentError("mean_interval needs two or more values")
    a = check_number("alpha", alpha, low_open=True, high=1.0, high_open=True)
    mean = float(x.mean())
    low, high = mean_ci(mean, x.std(ddof=1) / math.sqrt(x.size), x.size, alpha=a)
    return mean, low, high


@dataclass(frozen=True)
class SamplingDemo:
    """Repeated surveys of one unit with a small and a large number of respondents.

    Returned by :func:`sampling_demo`.

    Attributes
    ----------
    true_mean : float
        The unit's "true" index: the mean over a very large number of its people.
    person_sd : float
        SD of one person's index in the unit.
    means : dict of int to ndarray
        Per number of respondents, the unit mean of every simulated survey.
    intervals : dict of int to ndarray
        Per number of respondents, the 95 % t-interval of every survey, shape (surveys, 2).
    """

    true_mean: float
    person_sd: float
    means: dict[int, np.ndarray]
    intervals: dict[int, np.ndarray]

    @property
    def sizes(self) -> list[int]:
        """The numbers of respondents, smallest first."""
        return sorted(self.means)

    def summary(self) -> pd.DataFrame:
        """One row per number of respondents, in shares (0-1).

        Returns
        -------
        DataFrame
            ``n``, ``sd_of_means``, ``expected_sd`` (person_sd / √n), ``low``,
            ``high`` (the 2.5 and 97.5 percentiles of the survey means: where 95 surveys
            in 100 land), ``coverage`` (share of intervals containing the true mean),
            ``example_mean``, ``example_low``, ``example_high`` (the first survey).
        """
        rows = []
        for n in self.sizes:
            m, ci = self.means[n], self.intervals[n]
            rows.append(
                {
                    "n": n,
                    "sd_of_means": float(m.std(ddof=1)),
                    "expected_sd": self.person_sd / math.sqrt(n),
                    "low": float(np.quantile(m, 0.025)),
                    "high": float(np.quantile(m, 0.975)),
                    "coverage": float(
                        np.mean((ci[:, 0] <= self.true_mean) & (self.true_mean <= ci[:, 1]))
                    ),
                    "example_mean": float(m[0]),
                    "example_low": float(ci[0, 0]),
                    "example_high": float(ci[0, 1]),
                }
            )
        return pd.DataFrame(rows)

    def text_values(self, lang: str = "fi") -> dict[str, str]:
        """Formatted values for the ``report.uncertainty*`` texts."""
        s = self.summary().set_index("n")
        small, large = self.sizes[0], self.sizes[-1]
        pct = lambda x: fmt_pct(x, lang=lang)  # noqa: E731

        def example(n: int) -> str:
            r = s.loc[n]
            between = f"{pct(r['example_low'])}–{pct(r['example_high'])}"
            return f"{pct(r['example_mean'])} ({between})"

        return {
            "true": pct(self.true_mean),
            "surveys": fmt_number(len(self.means[small]), lang=lang, decimals=0),
            "n_small": str(small),
            "n_large": str(large),
            "lo_small": pct(s.loc[small, "low"]),
            "hi_small": pct(s.loc[small, "high"]),
            "lo_large": pct(s.loc[large, "low"]),
            "hi_large": pct(s.loc[large, "high"]),
            "ratio": fmt_number(
                s.loc[small, "sd_of_means"] / s.loc[large, "sd_of_means"], lang=lang
            ),
            "cov_small": fmt_pct(s.loc[small, "coverage"], lang=lang, decimals=0),
            "cov_large": fmt_pct(s.loc[large, "coverage"], lang=lang, decimals=0),
            "ex_small": example(small),
            "ex_large": example(large),
        }


def sampling_demo(
    sizes: Sequence[int] = (8, 40),
    *,
    surveys: int = 2000,
    seed: int = 2026,
    population: int = 200_000,
    means: tuple[float, float, float] = (0.72, 0.72, 0.70),
    sd: float = 0.20,
    corr: float = 0.5,
) -> SamplingDemo:
    """Let one unit answer the survey many times with different numbers of respondents.

    Parameters
    ----------
    sizes : sequence of int, default (8, 40)
        Numbers of respondents, each 2 or more.
    surveys : int, keyword-only, default 2 000
        Simulated surveys per size.
    seed : int, keyword-only, default 2026
    population : int, keyword-only, default 200 000
        People drawn to fix the unit's "true" index and person SD.
    means, sd, corr
        As in :func:`simulate_respondents`.

    Returns
    -------
    SamplingDemo

    Notes
    -----
    Each survey draws new respondents from the same unit (:func:`simulate_respondents`),
    computes the index per respondent, the unit mean and its 95 % t-interval
    (:func:`mean_interval`, vectorised). The spread of the means is close to person_sd / √n, so
    five times as many respondents narrow it by √5 ≈ 2.24, and about 95 % of the
    intervals contain the true mean.
    """
    if not sizes or any(not isinstance(n, int | np.integer) or n < 2 for n in sizes):
        raise ArgumentError(f"sizes must be whole numbers of 2 or more, got {list(sizes)!r}")
    if not isinstance(surveys, int) or surveys < 2:
        raise ArgumentError(f"surveys must be a whole number of 2 or more, got {surveys!r}")
    rng = np.random.default_rng(seed)
    people = simulate_respondents(population, rng=rng, means=means, sd=sd, corr=corr)
    true_mean = float(people["qwl_index"].mean())
    person_sd = float(people["qwl_index"].std(ddof=1))
    all_means: dict[int, np.ndarray] = {}
    all_ci: dict[int, np.ndarray] = {}
    for n in sorted({int(s) for s in sizes}):
        answers = simulate_respondents(n * surveys, rng=rng, means=means, sd=sd, corr=corr)
        q = answers["qwl_index"].to_numpy().reshape(surveys, n)
        low, high = mean_ci(q.mean(axis=1), q.std(axis=1, ddof=1) / math.sqrt(n), n)
        ci = np.column_stack([low, high])
        all_means[n] = q.mean(axis=1)
        all_ci[n] = ci
    return SamplingDemo(true_mean, person_sd, all_means, all_ci)


def sampling_table(demo: SamplingDemo, *, lang: str = "fi") -> pd.DataFrame:
    """:meth:`SamplingDemo.summary` formatted for display.

    Parameters
    ----------
    demo : SamplingDemo
    lang : {"fi", "en"}, keyword-only, default "fi"

    Returns
    -------
    DataFrame
        One column per number of respondents; rows: where 95 surveys in 100 land, the
        spread of the means and its expected value, one survey with its interval, and
        the share of intervals that caught the true value.
    """
    _check_lang(lang)
    s = demo.summary()
    pct = lambda x: fmt_pct(x, lang=lang)  # noqa: E731
    columns = {}
    for r in s.itertuples(index=False):
        columns[f"{text('label.respondents', lang=lang)}: {r.n}"] = [
            f"{pct(r.low)}–{pct(r.high)}",
            fmt_number(100 * r.sd_of_means, lang=lang),
            fmt_number(100 * r.expected_sd, lang=lang),
            f"{pct(r.example_mean)} ({pct(r.example_low)}–{pct(r.example_high)})",
            fmt_pct(r.coverage, lang=lang, decimals=0),
        ]
    index = [
        text(f"label.{k}", lang=lang)
        for k in ("spread", "sd", "sd_expected", "example", "coverage")
    ]
    return pd.DataFrame(columns, index=index)


def plot_sampling(demo: SamplingDemo, *, lang: str = "fi", ax: Axes | None = None) -> Axes:
    """Histograms of the survey results for each number of respondents, with the true
    index and the band cut points.

    Parameters
    ----------
    demo : SamplingDemo
    lang : {"fi", "en"}, default "fi"
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    _check_lang(lang)
    ax = axes(ax, (8.0, 3.4))
    everything = np.concatenate([demo.means[n] for n in demo.sizes])
    bins = np.linspace(100 * everything.min(), 100 * everything.max(), 50).tolist()
    colours = (_COLOURS["wage"], _COLOURS["public"])
    for i, n in enumerate(demo.sizes):
        ax.hist(
            100 * demo.means[n],
            bins=bins,
            alpha=0.55,
            color=colours[i % 2],
            label=f"{text('label.respondents', lang=lang)}: {n}",
        )
    ax.axvline(100 * demo.true_mean, color="black", linewidth=1.5)
    ax.text(
        100 * demo.true_mean,
        ax.get_ylim()[1] * 0.97,
        f" {text('label.true', lang=lang)} {fmt_pct(demo.true_mean, lang=lang)}",
        fontsize=8,
        va="top",
    )
    for cut in (40, 65, 75):
        if bins[0] < cut < bins[-1]:
            ax.axvline(cut, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel(text("label.survey_means", lang=lang))
    ax.set_ylabel(text("label.surveys", lang=lang))
    ax.legend(frameon=False, fontsize=8)
    _tidy(ax)
    return ax


def kunta10_example(*, lang: str | None = None, seed: int = 11) -> pd.DataFrame:
    """Four units of 24, 15, 7 and 3 respondents under the Kunta10 rules.

    Parameters
    ----------
    lang : {"fi", "en"}, optional, keyword-only
        None: the output of :func:`hrproductivity.privacy.suppress` (``unit``, ``n``,
        ``qwl_index``, ``status``, ``rank`` …). A language: formatted for display.
    seed : int, keyword-only, default 11

    Returns
    -------
    DataFrame

    Notes
    -----
    ``suppress(min_n=5, rank_only_below=10, complementary=False)``: fewer than 5
    respondents, nothing; 5-9, only a placement; 10 or more, the unit's own figures
    (FIOH Kunta10). Complementary suppression is switched off here to show the rules
    alone; :func:`differencing_example` shows why it is needed.

    Examples
    --------
    >>> kunta10_example()["status"].tolist()
    ['shown', 'shown', 'rank_only', 'hidden']
    """
    rng = np.random.default_rng(seed)
    sizes = {"A": 24, "B": 15, "C": 7, "D": 3}
    means = {"A": 0.74, "B": 0.70, "C": 0.66, "D": 0.62}
    rows = []
    for name, n in sizes.items():
        answers = simulate_respondents(n, rng=rng, means=(means[name],) * 3)
        rows.append({"unit": name, "n": n, "qwl_index": float(answers["qwl_index"].mean())})
    out = suppress(pd.DataFrame(rows), min_n=5, rank_only_below=10, complementary=False)
    if lang is None:
        return out
    _check_lang(lang)
    return pd.DataFrame(
        {
            text("label.unit", lang=lang): out["unit"],
            text("label.respondents", lang=lang): out["n"],
            text("label.status", lang=lang): [
                text(f"label.status.{s}", lang=lang) for s in out["status"]
            ],
            text("label.qwl", lang=lang): [fmt_pct(v, lang=lang) for v in out["qwl_index"]],
            text("label.rank", lang=lang): [
                "–" if pd.isna(r) else str(int(r)) for r in out["rank"]
            ],
        }
    )


@dataclass(frozen=True)
class DifferencingExample:
    """How a hidden unit's result is recovered by subtraction, and how suppress stops it.

    Returned by :func:`differencing_example`. Results are shares (0-1).

    Attributes
    ----------
    table : DataFrame
        The true figures: the organisation's row (``unit`` missing) and units A, B, C
        with ``org``, ``unit``, ``n`` and ``qwl_index``, computed from all answers.
    naive, protected : DataFrame
        ``table`` after :func:`~hrproductivity.privacy.suppress` without and with
        complementary suppression.
    decimals : int
        Decimals of the published percentages.
    """

    table: pd.DataFrame
    naive: pd.DataFrame
    protected: pd.DataFrame
    decimals: int = 1

    def _published(self, frame: pd.DataFrame) -> dict[str, float]:
        """The shown results as printed: percentages rounded, back as shares."""
        shown = frame[frame["status"] == "shown"]
        return {
            ("" if pd.isna(u) else str(u)): round(100 * float(q), self.decimals) / 100
            for u, q in zip(shown["unit"], shown["qwl_index"], strict=True)
        }

    def _n(self, unit: str) -> int:
        key = self.table["unit"].fillna("")
        return int(self.table.loc[key == unit, "n"].iloc[0])

    @property
    def hidden_unit(self) -> str:
        """The small unit the rules hide (C)."""
        small = self.table[self.table["unit"].notna() & (self.table["n"] < 5)]
        return str(small["unit"].iloc[0])

    @property
    def true_hidden(self) -> float:
        """The hidden unit's true index."""
        key = self.table["unit"].fillna("")
        return float(self.table.loc[key == self.hidden_unit, "qwl_index"].iloc[0])

    def _recover(self, frame: pd.DataFrame) -> tuple[float, int]:
        published = self._published(frame)
        total = self._n("") * published[""]
        n_rest = self._n("")
        for unit, q in published.items():
            if unit:
                total -= self._n(unit) * q
                n_rest -= self._n(unit)
        return total / n_rest, n_rest

    @property
    def recovered(self) -> float:
        """The hidden unit's index as anyone can compute it from the naive report:
        (n_org × org − Σ n_visible × visible) / n_hidden, with the printed figures."""
        value, _ = self._recover(self.naive)
        return value

    @property
    def recovered_protected(self) -> tuple[float, int]:
        """What subtraction gives from the protected report: the combined index of all
        hidden units and their number of respondents."""
        return self._recover(self.protected)

    @property
    def max_rounding_error(self) -> float:
        """Largest error of :attr:`recovered` from rounding the printed figures:
        half a unit of the last decimal times (n_org + Σ n_visible) / n_hidden."""
        half = 0.5 * 10.0 ** (-self.decimals) / 100
        visible = [u for u in self._published(self.naive) if u]
        weight = self._n("") + sum(self._n(u) for u in visible)
        return half * weight / self._n(self.hidden_unit)

    def steps(self, *, lang: str = "fi") -> pd.DataFrame:
        """The subtraction step by step, formatted for display."""
        _check_lang(lang)
        published = self._published(self.naive)
        dec = self.decimals
        num = lambda x: fmt_number(x, lang=lang, decimals=dec)  # noqa: E731
        org_label = text("label.org_total", lang=lang)
        rows = []
        total = self._n("") * 100 * published[""]
        rows.append((org_label, f"{self._n('')} × {num(100 * published[''])}", num(total)))
        for unit, q in published.items():
            if unit:
                part = self._n(unit) * 100 * q
                total -= part
                rows.append((f"\u2212 {unit}", f"{self._n(unit)} × {num(100 * q)}", num(part)))
        hidden = self.hidden_unit
        sum_label = f"= {hidden}" + (": pisteiden summa" if lang == "fi" else ": sum of points")
        rows.append((sum_label, "", num(total)))
        rows.append(
            (
                f"{hidden}: " + ("tulos" if lang == "fi" else "result"),
                f"{num(total)} ÷ {self._n(hidden)}",
                fmt_pct(self.recovered, lang=lang),
            )
        )
        return pd.DataFrame(
            rows,
            columns=[
                text("label.step", lang=lang),
                text("label.calculation", lang=lang),
                text("label.result", lang=lang),
            ],
        )

    def report(self, which: str = "naive", *, lang: str = "fi") -> pd.DataFrame:
        """The published table (``"naive"`` or ``"protected"``), formatted for display."""
        _check_lang(lang)
        if which not in ("naive", "protected"):
            raise UnknownNameError("report", which, ["naive", "protected"])
        frame = self.naive if which == "naive" else self.protected
        published = self._published(frame)
        status = []
        for s, comp in zip(frame["status"], frame["complementary"], strict=True):
            label = text(f"label.status.{s}", lang=lang)
            status.append(text("label.complementary", lang=lang) if comp else label)
        names = [
            text("label.org_total", lang=lang) if pd.isna(u) else str(u) for u in frame["unit"]
        ]
        values = [
            fmt_pct(published[("" if pd.isna(u) else str(u))], lang=lang, decimals=self.decimals)
            if s == "shown"
            else "–"
            for u, s in zip(frame["unit"], frame["status"], strict=True)
        ]
        return pd.DataFrame(
            {
                text("label.unit", lang=lang): names,
                text("label.respondents", lang=lang): frame["n"].astype(int).tolist(),
                text("label.published", lang=lang): values,
                text("label.status", lang=lang): status,
            }
        )

    def text_values(self, lang: str = "fi") -> dict[str, str]:
        """Formatted values for the ``report.differencing*`` texts."""
        combined, n_combined = self.recovered_protected
        return {
            "n_a": str(self._n("A")),
            "n_b": str(self._n("B")),
            "n_c": str(self._n("C")),
            "recovered": fmt_pct(self.recovered, lang=lang),
            "true": fmt_pct(self.true_hidden, lang=lang),
            "combined": fmt_pct(combined, lang=lang),
            "n_combined": str(n_combined),
        }


def differencing_example(
    sizes: tuple[int, int, int] = (24, 15, 3), *, seed: int = 5
) -> DifferencingExample:
    """An organisation of units A, B, C where C is too small to be shown.

    Parameters
    ----------
    sizes : tuple of 3 int, default (24, 15, 3)
        Respondents in A, B and C; C must have fewer than 5, A and B 10 or more.
    seed : int, keyword-only, default 5

    Returns
    -------
    DifferencingExample

    Notes
    -----
    Answers are simulated per unit (:func:`simulate_respondents`; C is a unit in
    trouble). The organisation's figure is computed from *all* answers, C's included.
    ``suppress(hierarchy=("org", "unit"), min_n=5, rank_only_below=10)`` hides C; with
    ``complementary=False`` A, B and the organisation stay shown, so C's total is
    n_org × org − n_A × A − n_B × B. With complementary suppression (the default) B is
    hidden too and the subtraction gives only B and C together.

    Examples
    --------
    >>> ex = differencing_example()
    >>> ex.naive["status"].tolist(), ex.protected["status"].tolist()
    (['shown', 'shown', 'shown', 'hidden'], ['shown', 'shown', 'hidden', 'hidden'])
    >>> abs(ex.recovered - ex.true_hidden) <= ex.max_rounding_error
    True
    """
    a, b, c = (int(s) for s in sizes)
    if not (a >= 10 and b >= 10 and 0 < c < 5):
        raise ArgumentError(
            f"sizes must give A and B 10 or more respondents and C 1-4; got {sizes!r}"
        )
    rng = np.random.default_rng(seed)
    unit_means = {"A": (0.76, 0.74, 0.72), "B": (0.72, 0.72, 0.70), "C": (0.58, 0.62, 0.60)}
    answers = pd.concat(
        [
            simulate_respondents(n, rng=rng, means=unit_means[u]).assign(unit=u)
            for u, n in zip("ABC", (a, b, c), strict=True)
        ],
        ignore_index=True,
    )
    org = "Esimerkkikunta"
    units = answers.groupby("unit", sort=True)["qwl_index"].agg(["size", "mean"]).reset_index()
    table = pd.DataFrame(
        {
            "org": org,
            "unit": [None, *units["unit"]],
            "n": [len(answers), *units["size"]],
            "qwl_index": [float(answers["qwl_index"].mean()), *units["mean"]],
        }
    )
    rules = {"min_n": 5, "rank_only_below": 10, "hierarchy": ("org", "unit")}
    naive = suppress(table, complementary=False, **rules)  # type: ignore[arg-type]
    protected = suppress(table, complementary=True, **rules)  # type: ignore[arg-type]
    return DifferencingExample(table, naive, protected)
