"""Property test of the report cache's suppression on random answer patterns (issue 10).

Random organisations and units, each with its own share of respondents who
skipped the whole QWL survey and of one item skipped, go through the real
preparation steps (scores, the group table, the item table of
``hrproductivity.reports.prepare``). The attacker of :mod:`attacker` then gets
the published figures, placements and answer counts, and the scale of each
figure (0-1 for the index and factor shares, 1-5 for item means). For every
hidden group that fewer than five people answered, the interval of its figure
must not be a point (it is not determined) and must be the same with and
without the placements.
"""

from __future__ import annotations

import math
import types
import warnings

import numpy as np
import pandas as pd
import pytest
from attacker import Published, bounds, placements
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrproductivity.instruments import load_instrument
from hrproductivity.reports import prepare as P

MIN_N = 5
QWL = load_instrument("qwl15")


@st.composite
def surveys(draw: st.DrawFn) -> pd.DataFrame:
    """One wave; per unit: respondents 0-14, the share who answered anything, and
    whether item qwl_01 was mostly skipped."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = []
    for o in range(draw(st.integers(1, 2))):
        for u in range(draw(st.integers(2, 5))):
            size = draw(st.integers(0, 14))
            answered = draw(st.sampled_from([0.0, 0.3, 0.8, 1.0]))
            skip_first = draw(st.booleans())
            for r in range(size):
                row: dict[str, object] = {
                    "org": f"o{o}",
                    "unit": f"u{u}",
                    "wave": "2024",
                    "respondent": f"o{o}u{u}r{r}",
                }
                if rng.random() < answered:
                    row |= {i: float(rng.integers(1, 6)) for i in QWL.item_ids}
                    if skip_first and rng.random() < 0.7:
                        row["qwl_01"] = math.nan
                rows.append(row)
    frame = pd.DataFrame(rows)
    for item in QWL.item_ids:
        if item not in frame.columns:
            frame[item] = math.nan
        frame[item] = frame[item].astype("float64")
    return frame


def _check(pub: Published, cells: list[int], *, lo: float, hi: float, what: str) -> None:
    for cell in cells:
        plain = bounds(pub, cell, lo=lo, hi=hi, with_placements=False)
        ranked = bounds(pub, cell, lo=lo, hi=hi, with_placements=True)
        assert plain[1] - plain[0] > 1e-6, (what, cell, plain)
        assert ranked == pytest.approx(plain, abs=1e-6), (what, cell, plain, ranked)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surveys())
def test_no_hidden_figure_of_the_cache_can_be_narrowed(responses: pd.DataFrame) -> None:
    if responses.empty:
        return
    pairs = responses[["org", "unit", "wave"]].drop_duplicates()
    units = pairs.assign(invited=20)
    data = types.SimpleNamespace(responses=responses, instruments=[QWL], units=units)
    s = P.PrepareSettings()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = P._scores(data, QWL, s)  # type: ignore[arg-type]
        groups = P._groups(scores, data, QWL, s)  # type: ignore[arg-type]
        items = P._items(data, QWL, groups, s)  # type: ignore[arg-type]
    g = groups.set_index(["level", "org", "unit"], drop=False)
    for org in sorted(responses["org"].unique()):
        mine = scores[scores["org"] == org]
        names = sorted(mine["unit"].unique())
        cells = [("org", org, None)] + [("unit", org, u) for u in names]
        # the QWL index and the factor shares: counts of people with a score
        for figure, count in (("qwl_index", "qwl_index"), ("FE_share_mean", "FE")):
            per_unit = mine.groupby("unit")[count].count()
            n = [float(per_unit.sum())] + [float(per_unit.get(u, 0)) for u in names]
            mean = [float(g.loc[c, figure]) for c in cells]
            pub = Published(n, mean, [(0, list(range(1, len(cells))))])
            if figure == "qwl_index":
                ranks = [(i, g.loc[c, "rank"]) for i, c in enumerate(cells) if i]
                pub.above = placements(
                    [(i, math.nan if pd.isna(r) else float(r)) for i, r in ranks]
                )
            small = [i for i in range(1, len(cells)) if 0 < n[i] < MIN_N]
            for i in small:
                assert math.isnan(mean[i]), (figure, cells[i])
            _check(pub, small, lo=0.0, hi=1.0, what=figure)
        # each item: counts of people who answered it, item means on the 1-5 scale
        answers = responses[responses["org"] == org]
        for item in ("qwl_01", "qwl_02"):
            per_unit = answers.groupby("unit")[item].count()
            n = [float(per_unit.sum())] + [float(per_unit.get(u, 0)) for u in names]
            table = items[(items["item"] == item) & (items["org"] == org)]
            table = table.set_index(table["unit"].where(table["unit"].notna(), "<org>"))
            mean = [float(table.loc["<org>" if u is None else u, "mean"]) for _, _, u in cells]
            pub = Published(n, mean, [(0, list(range(1, len(cells))))])
            small = [i for i in range(1, len(cells)) if 0 < n[i] < MIN_N]
            for i in small:
                assert math.isnan(mean[i]), (item, cells[i])
            _check(pub, small, lo=1.0, hi=5.0, what=item)
