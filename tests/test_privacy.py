"""Tests for hrproductivity.privacy.

The rules come from docs/privacy.md (FIOH Kunta10: own summary from 10
respondents, placement only for 5-9, nothing below 5; vendors' higher threshold
for comments; complementary suppression). The property tests play the
attacker: they are given only what the returned table shows (plus the totals
the library documents as published elsewhere) and try to recover every hidden
small group, by the parent-minus-siblings difference and by solving all the
published relations as a linear system.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrproductivity.aggregation import aggregate_hierarchy
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    HRProductivityError,
    HRProductivityWarning,
)
from hrproductivity.privacy import (
    comments_allowed,
    suppress,
    suppress_comments,
    suppress_crosstab,
)

MIN_N = 5


# --------------------------------------------------------------------------- the attacker


@dataclass
class Published:
    """What the test knows: each group's true size and total, and the relations
    parent total = sum of children totals. Groups ``0 .. rows - 1`` are rows of
    the table under test; later ones are totals outside it."""

    n: list[int] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    relations: list[tuple[int, list[int]]] = field(default_factory=list)

    def add(self, n: int, total: float) -> int:
        self.n.append(n)
        self.total.append(total)
        return len(self.n) - 1


def attack(out: pd.DataFrame, truth: Published, *, show_from: int, value: str) -> None:
    """Try to recover every hidden group with 0 < n < MIN_N.

    Known: the figures ``out`` shows (mean x n = total), empty groups (total
    0), and outside totals large enough to be shown (``show_from``), as the
    library documents.
    """
    rows = len(out)
    n = np.array(truth.n, dtype=float)
    t = np.array(truth.total)
    known = np.zeros(len(n), dtype=bool)
    known[:rows] = out[value].notna().to_numpy() | (n[:rows] == 0)
    known[rows:] = n[rows:] >= show_from
    seen = np.where(known, t, np.nan)
    seen[:rows] = np.where(out[value].notna(), out[value].to_numpy() * n[:rows], seen[:rows])
    small = [i for i in range(len(n)) if 0 < n[i] < MIN_N]

    # 1. Parent minus visible siblings, one relation at a time.
    for parent, children in truth.relations:
        if not known[parent]:
            continue
        unknown = [c for c in children if not known[c]]
        if not any(c in small for c in unknown):
            continue
        if len(unknown) == 1:
            recovered = seen[parent] - np.nansum(seen[[c for c in children if known[c]]])
            pytest.fail(f"group {unknown[0]} (n={n[unknown[0]]}) recovered as {recovered}")
        assert n[unknown].sum() >= MIN_N, f"groups {unknown} together have n < {MIN_N}"

    # 2. All relations at once: a hidden group is recovered when its unit vector
    #    lies in the row space of the system over the unknown totals.
    unknown_cells = np.flatnonzero(~known)
    if unknown_cells.size == 0:
        return
    col = {int(c): j for j, c in enumerate(unknown_cells)}
    a_rows, b = [], []
    for parent, children in truth.relations:
        row = np.zeros(unknown_cells.size)
        rhs = 0.0
        for c in children:
            if known[c]:
                rhs -= seen[c]
            else:
                row[col[c]] += 1
        if known[parent]:
            rhs += seen[parent]
        else:
            row[col[parent]] -= 1
        if row.any():
            a_rows.append(row)
            b.append(rhs)
    if not a_rows:
        return
    a = np.vstack(a_rows)
    rank = np.linalg.matrix_rank(a)
    solution = np.linalg.lstsq(a, np.array(b), rcond=None)[0]
    for c in unknown_cells.tolist():
        e = np.zeros(unknown_cells.size)
        e[col[c]] = 1
        determined = np.linalg.matrix_rank(np.vstack([a, e])) == rank
        if determined:
            # The attacker's arithmetic works: a determined group comes out right ...
            assert solution[col[c]] == pytest.approx(t[c], abs=1e-6)
        # ... and no small group is ever determined.
        assert not (determined and c in small), f"group {c} (n={n[c]}) is determined"


def _check_rules(out: pd.DataFrame, n: list[int], *, value: str, show_from: int) -> None:
    for i, size in enumerate(n[: len(out)]):
        status = out["status"].iloc[i]
        if size < MIN_N:
            assert status == "hidden"
        elif size < show_from:
            assert status in ("rank_only", "hidden")
        if status != "shown":
            assert np.isnan(out[value].iloc[i])
        else:
            assert not np.isnan(out[value].iloc[i])
        assert out["n"].iloc[i] == size  # counts are kept
        if out["complementary"].iloc[i]:
            assert size >= MIN_N and status == "hidden"


# --------------------------------------------------------------------------- hand cases


def test_status_bands_follow_kunta10() -> None:
    """< 5 nothing, 5-9 placement only, >= 10 own figures; a group of 0 has none."""
    t = pd.DataFrame({"unit": list("abcdef"), "n": [0, 4, 5, 9, 10, 30], "x": 1.0})
    out = suppress(t, complementary=False)
    assert out["status"].tolist() == [
        "hidden",
        "hidden",
        "rank_only",
        "rank_only",
        "shown",
        "shown",
    ]
    assert out["x"].isna().tolist() == [True, True, True, True, False, False]
    assert not out["complementary"].any()


def test_one_hidden_child_hides_the_smallest_sibling() -> None:
    """Units of 3, 12, 30 and 50 under a published organisation total: the 3 could
    be recovered as (org total - 12 x m12 - 30 x m30 - 50 x m50)/3, so the
    smallest visible sibling (12) is hidden too."""
    t = pd.DataFrame({"unit": list("abcd"), "n": [3, 30, 12, 50], "FE_mean": [2.0, 4, 3, 4]})
    out = suppress(t)
    assert out["status"].tolist() == ["hidden", "shown", "hidden", "shown"]
    assert out["complementary"].tolist() == [False, False, True, False]


def test_two_hidden_children_with_enough_people_need_nothing_more() -> None:
    """3 + 4 = 7 >= 5: the difference only gives the pair's combined figure."""
    t = pd.DataFrame({"unit": list("abc"), "n": [3, 4, 30], "FE_mean": [2.0, 3, 4]})
    assert suppress(t)["status"].tolist() == ["hidden", "hidden", "shown"]


def test_hidden_children_together_under_min_n() -> None:
    """1 + 2 = 3 < 5: the pair's combined figure would describe 3 people, so the
    smallest visible sibling (30) is hidden."""
    t = pd.DataFrame({"unit": list("abcd"), "n": [1, 2, 40, 30], "FE_mean": [2.0, 3, 4, 4]})
    out = suppress(t)
    assert out["status"].tolist() == ["hidden", "hidden", "shown", "hidden"]


def test_parent_not_published() -> None:
    t = pd.DataFrame({"unit": list("abc"), "n": [3, 12, 30], "FE_mean": [2.0, 3, 4]})
    out = suppress(t, parent_published=False)
    assert out["status"].tolist() == ["hidden", "shown", "shown"]


def test_rank_among_siblings_without_gaps() -> None:
    """Ranks by qwl_index, highest first, among shown and rank-only groups only:
    the hidden group (n 4) leaves no gap in the ranks. Without a hidden sibling
    the rank-only group (n 7) is placed."""
    t = pd.DataFrame(
        {
            "unit": list("bcde"),
            "n": [7, 20, 15, 30],
            "qwl_index": [0.5, 0.6, 0.7, 0.4],
            "qwl_band": ["x"] * 4,
        }
    )
    out = suppress(t, complementary=False)
    assert out["rank"].tolist() == [3, 2, 1, 4]
    assert out["qwl_band"].isna().tolist() == [True, False, False, False]


def test_placement_that_would_bracket_a_hidden_group_is_withheld() -> None:
    """Issue 10.3. Units a (n 4, index .9), b (n 7, rank only), c, d, e shown, the
    organisation's total published. With b placed 3rd, between d (.6) and e (.4),
    the attacker knows 4 a + 7 b = T and .4 <= b <= .6, so a lies in a band of
    7 x .2 / 4 = .35 instead of the whole range: the old code published that rank.
    Now b keeps status "rank_only" without a placement, and the shown units are
    ranked among themselves (c .7 first, d .6, e .4)."""
    t = pd.DataFrame(
        {
            "unit": list("abcde"),
            "n": [4, 7, 20, 15, 30],
            "qwl_index": [0.9, 0.5, 0.7, 0.6, 0.4],
        }
    )
    out = suppress(t, complementary=False)
    assert out["status"].tolist() == ["hidden", "rank_only", "shown", "shown", "shown"]
    assert out["rank"].tolist() == [pd.NA, pd.NA, 1, 2, 3]


def test_hierarchy_from_aggregate_counts_hidden_answers() -> None:
    """Organisation o: units a (12 answers of 4.0), b (3 answers of 1.0), c (20 of
    3.0). The organisation's row keeps all 35 answers: (48 + 3 + 60)/35. Unit b is
    hidden; a, the smallest visible sibling, is hidden to protect it."""
    scores = pd.DataFrame(
        {
            "org": "o",
            "unit": ["a"] * 12 + ["b"] * 3 + ["c"] * 20,
            "wave": "2025",
            "FE": [4.0] * 12 + [1.0] * 3 + [3.0] * 20,
        }
    )
    table = aggregate_hierarchy(scores, value_cols="FE")
    out = suppress(table, hierarchy=("org", "unit"), by="wave")
    assert out["status"].tolist() == ["shown", "hidden", "hidden", "shown"]
    assert out["FE_mean"].iloc[0] == pytest.approx(111 / 35, abs=1e-12)
    assert out["n"].tolist() == [35, 12, 3, 20]


def test_hierarchy_chain_through_a_lower_level() -> None:
    """Org (n 45) -> units U1 (3), U2 (12), U3 (30); U2 has one team T3 (12), U3
    has T1 (15) and T2 (15). Hiding U2 alone is not enough: T3 shows U2's
    figures. The team is hidden too, and then U1 + U2 is only known together."""
    t = pd.DataFrame(
        {
            "org": ["o"] * 7,
            "unit": [None, "U1", "U2", "U3", "U2", "U3", "U3"],
            "team": [None, None, None, None, "T3", "T1", "T2"],
            "n": [45, 3, 12, 30, 12, 15, 15],
            "FE_mean": [3.0] * 7,
        }
    )
    out = suppress(t, hierarchy=("org", "unit", "team"))
    assert out["status"].tolist() == [
        "shown", "hidden", "hidden", "shown", "hidden", "shown", "shown",
    ]  # fmt: skip


def test_crosstab_needs_a_cycle_of_hidden_cells() -> None:
    """Unit x gender: a-m (3) is hidden; the unit margin a exposes it, so a-f
    is hidden; the margin m exposes it, so the smallest visible m cell (b-m,
    12) is hidden; then the margin b exposes b-m, so b-f is hidden. Unit c
    keeps its figures: a 2 x 2 cycle protects a-m."""
    t = pd.DataFrame(
        {
            "unit": ["a", "a", "b", "b", "c", "c"],
            "gender": ["f", "m"] * 3,
            "n": [20, 3, 15, 12, 30, 25],
            "FE_mean": [3.0, 2.0, 4.0, 3.0, 3.5, 3.6],
        }
    )
    out = suppress_crosstab(t, rows="unit", cols="gender")
    assert out["status"].tolist() == ["hidden", "hidden", "hidden", "hidden", "shown", "shown"]
    assert out["complementary"].tolist() == [True, False, True, True, False, False]


def test_crosstab_margin_outside_the_table_is_protected_too() -> None:
    """Unit c has 4 respondents in all (2 + 2). Its total is not a row here (the
    unit table hides it), but the grand total minus the published totals of
    units a (45) and b (27) would give it, and with it the pair c-f + c-m. The
    table must leave it undetermined: b's cells, the f margin and the grand
    total are hidden. Check by hand: the unknowns b-f, b-m, c-f, c-m, F, G, c
    satisfy six independent equations (rows b and c, columns f and m, G = a +
    b + c, G = F + M), so one free quantity remains and c = a-f + b-f + c-f +
    M - 72 moves with it."""
    t = pd.DataFrame(
        {
            "unit": ["a", "a", "b", "b", "c", "c", None, None, None],
            "gender": ["f", "m", "f", "m", "f", "m", "f", "m", None],
            "n": [20, 25, 15, 12, 2, 2, 37, 39, 76],
            "FE_mean": [3.0, 2.0, 4.0, 3.0, 3.5, 3.6, 3.0, 2.5, 3.1],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress_crosstab(t, rows="unit", cols="gender")
    assert out["status"].tolist() == [
        "shown", "shown", "hidden", "hidden", "hidden", "hidden", "hidden", "shown", "hidden",
    ]  # fmt: skip


def test_warns_when_only_outside_totals_expose_a_group() -> None:
    """Units of two organisations without organisation rows: o2's total (n 3)
    would follow from the published grand total minus o1's published total,
    both outside this table; nothing here can prevent it, so it warns."""
    t = pd.DataFrame(
        {"org": ["o1", "o1", "o2"], "unit": ["a", "b", "c"], "n": [20, 30, 3], "x": 1.0}
    )
    with pytest.warns(HRProductivityWarning, match=r"rows \[2\] and 1 total\(s\) outside"):
        out = suppress(t, hierarchy=("org", "unit"))
    assert out["status"].tolist() == ["shown", "shown", "hidden"]
    # Without the assumption that outside totals are published there is nothing to warn about.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suppress(t, hierarchy=("org", "unit"), parent_published=False)


def test_errors() -> None:
    t = pd.DataFrame({"org": ["o", None], "unit": [None, "a"], "n": [3, 3], "x": [1.0, 1]})
    with pytest.raises(DataValidationError, match="filled from the top"):
        suppress(t, hierarchy=("org", "unit"))
    with pytest.raises(ArgumentError, match="n_col: column 'count'"):
        suppress(t, n_col="count")
    with pytest.raises(HRProductivityError, match="min_n"):
        suppress(t, min_n=0)
    dup = pd.DataFrame({"org": ["o", "o"], "unit": ["a", "a"], "n": [3, 4], "x": 1.0})
    with pytest.raises(DataValidationError, match="by="):
        suppress(dup, hierarchy=("org", "unit"))


# --------------------------------------------------------------------------- comments


def test_comments_threshold() -> None:
    assert comments_allowed(9) is False and comments_allowed(10) is True
    assert comments_allowed(pd.Series([3, 10, 12])).tolist() == [False, True, True]


def test_comments_are_not_recoverable_by_difference() -> None:
    """Org of 15: unit a (12) and unit b (3). Without complementary suppression
    the org list minus a's list would be b's comments; so a's list is hidden and
    only the organisation's pooled list (15 respondents) is shown. Empty
    comments are dropped, respondent ids are not returned, texts are sorted."""
    data = pd.DataFrame(
        {
            "org": "o",
            "unit": ["a"] * 12 + ["b"] * 3,
            "wave": "2025",
            "respondent": [f"r{i}" for i in range(15)],
            "comment_1": ["z"] + ["  "] * 10 + ["a"] + ["b-only"] * 3,
        }
    )
    out = suppress_comments(data)
    assert out["level"].unique().tolist() == ["org"]
    assert out["comment"].tolist() == ["a", "b-only", "b-only", "b-only", "z"]
    assert "respondent" not in out.columns
    naive = suppress_comments(data, complementary=False)
    assert sorted(naive["level"].unique().tolist()) == ["org", "unit"]
    assert set(naive.loc[naive["level"] == "unit", "unit"]) == {"a"}


# --------------------------------------------------------------------------- properties

sizes = st.integers(min_value=0, max_value=25)
means = st.floats(min_value=1.0, max_value=5.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(sizes, means), min_size=1, max_size=8))
def test_flat_tables_never_expose_a_small_group(groups: list[tuple[int, float]]) -> None:
    pub = Published()
    for size, mean in groups:
        pub.add(size, size * mean)
    parent = pub.add(sum(pub.n), sum(pub.total))
    pub.relations.append((parent, list(range(len(groups)))))
    table = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(len(groups))],
            "n": pub.n[:-1],
            "FE_mean": [m for _, m in groups],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress(table)
    _check_rules(out, pub.n, value="FE_mean", show_from=10)
    attack(out, pub, show_from=10, value="FE_mean")


@st.composite
def trees(draw: st.DrawFn) -> tuple[pd.DataFrame, Published, bool]:
    """Organisations -> units -> teams, with optional grand-total and organisation
    rows; parents' figures are the n-weighted means of their children."""
    pub = Published()
    rows: list[tuple[tuple[str, ...], int]] = []
    # Organisation rows, the grand total, or both are in the table: with both
    # outside, outside totals alone could expose a small organisation, which no
    # table can repair (see the warning test).
    with_total, with_orgs = draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    index: dict[tuple[str, ...], int] = {}

    def node(key: tuple[str, ...], in_table: bool) -> int:
        i = pub.add(0, 0.0)
        if in_table:
            rows.append((key, i))
        index[key] = i
        return i

    root = node((), with_total)
    org_ids = []
    for o in range(draw(st.integers(1, 3))):
        org = node((f"o{o}",), with_orgs)
        org_ids.append(org)
        unit_ids = []
        for u in range(draw(st.integers(1, 4))):
            unit = node((f"o{o}", f"u{u}"), True)
            unit_ids.append(unit)
            team_ids = []
            for tm in range(draw(st.integers(0, 3))):
                team = node((f"o{o}", f"u{u}", f"t{tm}"), True)
                size, mean = draw(sizes), draw(means)
                pub.n[team], pub.total[team] = size, size * mean
                team_ids.append(team)
            if team_ids:
                pub.relations.append((unit, team_ids))
                pub.n[unit] = sum(pub.n[t] for t in team_ids)
                pub.total[unit] = sum(pub.total[t] for t in team_ids)
            else:
                size, mean = draw(sizes), draw(means)
                pub.n[unit], pub.total[unit] = size, size * mean
        pub.relations.append((org, unit_ids))
        pub.n[org] = sum(pub.n[u] for u in unit_ids)
        pub.total[org] = sum(pub.total[u] for u in unit_ids)
    pub.relations.append((root, org_ids))
    pub.n[root] = sum(pub.n[o] for o in org_ids)
    pub.total[root] = sum(pub.total[o] for o in org_ids)

    # Renumber so that table rows come first, as the attacker expects.
    order = [pos for _, pos in rows] + [
        i for i in range(len(pub.n)) if i not in {pos for _, pos in rows}
    ]
    new = {old: k for k, old in enumerate(order)}
    moved = Published(
        [pub.n[i] for i in order],
        [pub.total[i] for i in order],
        [(new[p], [new[c] for c in cs]) for p, cs in pub.relations],
    )
    table = pd.DataFrame(
        {
            level: [key[d] if len(key) > d else None for key, _ in rows]
            for d, level in enumerate(("org", "unit", "team"))
        }
    )
    table["n"] = moved.n[: len(rows)]
    table["FE_mean"] = [
        moved.total[k] / moved.n[k] if moved.n[k] else np.nan for k in range(len(rows))
    ]
    return table, moved, with_total


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_hierarchies_never_expose_a_small_group(case: tuple[pd.DataFrame, Published, bool]) -> None:
    table, pub, _ = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress(table, hierarchy=("org", "unit", "team"))
    _check_rules(out, pub.n, value="FE_mean", show_from=10)
    attack(out, pub, show_from=10, value="FE_mean")


@st.composite
def crosstabs(draw: st.DrawFn) -> tuple[pd.DataFrame, Published]:
    """Units x gender cells with their margins. The unit margins, the gender
    margins or both are rows of the table, and the grand total is one whenever a
    set of margins is not: with two sets of totals outside (say unit and gender
    margins), outside totals alone could expose a small cell (unit margin minus
    gender margin), which no table can repair (see the warning test)."""
    n_units, n_cats = draw(st.integers(2, 5)), draw(st.integers(2, 3))
    cells = [[(draw(sizes), draw(means)) for _ in range(n_cats)] for _ in range(n_units)]
    rows_in, cols_in = draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    in_table = {"rows": rows_in, "cols": cols_in}
    in_table["grand"] = not (rows_in and cols_in) or draw(st.booleans())
    records: list[tuple[str | None, str | None, int, float]] = []  # unit, gender, n, total
    outside: list[tuple[str | None, str | None, int, float]] = []
    for u in range(n_units):
        for g in range(n_cats):
            size, mean = cells[u][g]
            records.append((f"u{u}", f"g{g}", size, size * mean))
    margins: list[tuple[str, tuple[str | None, str | None, int, float]]] = []
    for u in range(n_units):
        margins.append(
            (
                "rows",
                (f"u{u}", None, sum(c[0] for c in cells[u]), sum(c[0] * c[1] for c in cells[u])),
            )
        )
    for g in range(n_cats):
        col = [cells[u][g] for u in range(n_units)]
        margins.append(
            ("cols", (None, f"g{g}", sum(c[0] for c in col), sum(c[0] * c[1] for c in col)))
        )
    flat = [c for row in cells for c in row]
    margins.append(("grand", (None, None, sum(c[0] for c in flat), sum(c[0] * c[1] for c in flat))))
    for kind, rec in margins:
        (records if in_table[kind] else outside).append(rec)
    everything = records + outside
    pos = {(r, c): i for i, (r, c, _, _) in enumerate(everything)}
    pub = Published([e[2] for e in everything], [e[3] for e in everything], [])
    for u in range(n_units):
        pub.relations.append(
            (pos[(f"u{u}", None)], [pos[(f"u{u}", f"g{g}")] for g in range(n_cats)])
        )
    pub.relations.append((pos[(None, None)], [pos[(f"u{u}", None)] for u in range(n_units)]))
    for g in range(n_cats):
        pub.relations.append(
            (pos[(None, f"g{g}")], [pos[(f"u{u}", f"g{g}")] for u in range(n_units)])
        )
    pub.relations.append((pos[(None, None)], [pos[(None, f"g{g}")] for g in range(n_cats)]))
    table = pd.DataFrame(records, columns=["unit", "gender", "n", "total"])
    table["FE_mean"] = np.where(table["n"] > 0, table["total"] / table["n"].replace(0, 1), np.nan)
    return table.drop(columns="total"), pub


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crosstabs())
def test_crosstabs_never_expose_a_small_cell(case: tuple[pd.DataFrame, Published]) -> None:
    table, pub = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress_crosstab(table, rows="unit", cols="gender")
    _check_rules(out, pub.n, value="FE_mean", show_from=MIN_N)
    attack(out, pub, show_from=MIN_N, value="FE_mean")
