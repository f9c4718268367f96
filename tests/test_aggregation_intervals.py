"""Intervals for unit means (aggregation.mean_ci, mean_difference_ci).

Outside references used here:

- Student's t quantiles as printed in any t table (t(3, 0.975) = 3.182, t(9, 0.975)
  = 2.262, t(18, 0.975) = 2.101) and hand calculations written in each docstring;
- R's ``t.test`` on the same numbers (quoted in the docstrings; Welch's interval is
  R's default for two samples);
- simulated normal data with a known true mean (coverage study).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrproductivity import teaching
from hrproductivity.aggregation import mean_ci, mean_difference_ci
from hrproductivity.errors import ArgumentError


def test_mean_ci_by_hand() -> None:
    """x = 0.4, 0.5, 0.5, 0.6: mean 0.5, sd 0.08165, se 0.040825, t(3) = 3.182446:
    0.5 ± 0.129923 = (0.370077, 0.629923). R: t.test(c(.4, .5, .5, .6))$conf.int."""
    se = np.std([0.4, 0.5, 0.5, 0.6], ddof=1) / 2
    low, high = mean_ci(0.5, se, 4)
    assert low == pytest.approx(0.370077, abs=1e-6)
    assert high == pytest.approx(0.629923, abs=1e-6)
    assert isinstance(low, float)


def test_mean_ci_finite_population_correction_by_hand() -> None:
    """n = 10 of N = 12 invited, se 0.05: fpc √(1 − 10/12) = 0.408248, half-width
    t(9) · 0.05 · 0.408248 = 2.262157 · 0.020412 = 0.046176 (Cochran 1977, §2.5)."""
    low, high = mean_ci(0.6, 0.05, 10, population=12)
    assert high - 0.6 == pytest.approx(0.046176, abs=1e-6)
    assert 0.6 - low == pytest.approx(0.046176, abs=1e-6)
    # everyone answered: no sampling uncertainty about that finite population
    assert mean_ci(0.6, 0.05, 10, population=10) == pytest.approx((0.6, 0.6))
    with pytest.raises(ArgumentError, match="population"):
        mean_ci(0.6, 0.05, 10, population=9)


def test_mean_ci_vectorised_and_missing() -> None:
    """Arrays in, arrays out; n < 2 or a missing se gives NaN. t(9) = 2.262157."""
    low, high = mean_ci(np.array([0.5, 0.5, 0.5]), np.array([0.1, np.nan, 0.1]), [10, 10, 1])
    assert high[0] - 0.5 == pytest.approx(0.2262157, abs=1e-7)
    assert np.isnan(low[1]) and np.isnan(high[2])
    with pytest.raises(ArgumentError, match="alpha"):
        mean_ci(0.5, 0.1, 10, alpha=1.5)


def test_mean_difference_ci_welch_by_hand() -> None:
    """se 0.03 and 0.04, n 10 and 12: se(d) = 0.05; df = 0.0025² / (0.0009²/9 + 0.0016²/11)
    = 6.25e-6 / (9e-8 + 2.327273e-7) = 19.366; t(19.366, 0.975) = 2.0907 (scipy, as R's
    qt(0.975, 19.366)); d = 0.1 ± 0.104535. R: t.test(x1, x0) gives the same df for
    samples with these se and n."""
    low, high = mean_difference_ci(0.1, (0.03, 0.04), (10, 12))
    df = 0.0025**2 / (0.0009**2 / 9 + 0.0016**2 / 11)
    assert df == pytest.approx(19.366, abs=1e-3)
    assert high - 0.1 == pytest.approx(2.0907 * 0.05, abs=2e-5)
    assert 0.1 - low == pytest.approx(high - 0.1)


def test_t_interval_covers_95_percent_where_z_covers_92_at_n_10() -> None:
    """Known truth: 20 000 samples of n = 10 from N(0.6, 0.2²). The t(n − 1) interval
    covers the true mean 0.6 in 95 % of samples; ± 1.96 · se covers
    P(|t_9| < 1.96) = 0.9183 (exact for normal data). Monte Carlo SE 0.0015-0.0020,
    so the tolerance 0.006 is about 3 SE."""
    rng = np.random.default_rng(20261204)
    n, reps, true = 10, 20_000, 0.6
    x = rng.normal(true, 0.2, size=(reps, n))
    m, se = x.mean(axis=1), x.std(axis=1, ddof=1) / math.sqrt(n)
    low, high = mean_ci(m, se, n)
    t_cover = np.mean((low <= true) & (true <= high))
    z_cover = np.mean(np.abs(m - true) <= 1.959964 * se)
    assert t_cover == pytest.approx(0.95, abs=0.006)
    assert z_cover == pytest.approx(0.9183, abs=0.006)


def test_teaching_and_reports_use_the_same_interval() -> None:
    """The teaching notebook's interval (teaching.mean_interval) is the reports' mean_ci
    on sd/√n: 0.4, 0.5, 0.6, 0.5 has mean 0.5, se 0.040825, half-width t(3) · se =
    3.182446 · 0.040825 = 0.129923."""
    values = [0.4, 0.5, 0.6, 0.5]
    m, lo, hi = teaching.mean_interval(values)
    want = mean_ci(m, np.std(values, ddof=1) / 2, 4)
    assert (lo, hi) == pytest.approx(want, rel=1e-12)
    assert hi - m == pytest.approx(0.129923, abs=1e-6)
