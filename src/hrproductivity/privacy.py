"""Disclosure control for group tables and free-text comments.

The rules follow Finnish municipal survey practice (FIOH Kunta10) and the
survey vendors' defaults (docs/privacy.md):

- a group with fewer than ``min_n`` people (5) shows no figures; ``n`` counts
  the people who answered what the figures summarise (the report pipeline
  passes the people with a QWL index, or with an answer to an item), not the
  group's respondents;
- a group with ``min_n`` to ``rank_only_below - 1`` people (5-9) shows only
  its placement (a rank among its sibling groups), when that placement cannot
  narrow a hidden group (see "The attacker model" below);
- larger groups show their figures;
- free-text comments need a higher threshold (10);
- *complementary suppression*: published totals must not let anyone recover a
  hidden group by difference, e.g. the organisation's n-weighted mean minus the
  visible units' means, or a margin of a unit × gender table minus the visible
  cells. Extra groups are hidden until every hidden small group is
  protected.

Hidden answers still count in the parent totals and response rates: build the
tables from all answers (:func:`~hrproductivity.aggregation.aggregate_hierarchy`)
and apply the rules afterwards, here.

How the protection works
------------------------
A table is a set of groups (rows) with known sizes ``n`` and a set of
*relations*: a parent group's total (n × mean, n × share, ...) is the sum of its
children's totals. In a hierarchy (``suppress(..., hierarchy=("org", "unit"))``)
each parent row sums its child rows; in a cross-tabulation
(:func:`suppress_crosstab`) each row margin sums its row's cells and each column
margin its column's cells. A parent total that is not a row of the table (the
organisation's total above a flat unit table, the margins of a breakdown) takes
part as an *outside total*: assumed published elsewhere when it is large enough
to be shown (``parent_published=True``), and protected like a row when it is
small.

An attacker knows ``n`` everywhere and the figures of the visible groups, and
solves the relations as a linear system for the hidden groups' totals. The
result is safe when

1. no hidden group (row or outside total) with ``0 < n < min_n`` is determined
   by the system, and
2. in every relation whose parent is known, the hidden children the system
   does not determine together have ``n >= min_n`` (so their combined figure
   describes at least ``min_n`` people).

While either fails, one more row is hidden: the smallest that resolves the
failure, looking first at the exposed group's visible siblings, then its
children, then the groups in the relations that expose it through a chain, and
last its published parent total. Groups with 5-9 respondents count as unknowns
(their figures are hidden) but are not themselves protected from being
estimated: their disclosure is what ``min_n`` allows. When only outside totals
expose a group (for example the published organisation totals of a benchmark
whose grand total is also published), no row of this table can help and a
:class:`~hrproductivity.errors.HRProductivityWarning` says so.

The guarantee covers single groups and the hidden children of one relation; it
does not search every combination of groups across relations.

The attacker model
------------------
The attacker is assumed to hold every file a report run writes, for every
organisation and unit at once, and to know:

- every group's size ``n`` (the count of people who answered what a figure
  summarises: for the QWL index, the respondents with an index), also of
  hidden groups;
- every published figure of every shown group, to full precision (reports
  round; rounding only widens what the attacker can infer);
- every published placement (rank among siblings);
- the relations between totals (a parent's total is the sum of its
  children's) and the scale: every group's mean lies in the instrument's
  range, so a group's total lies in :math:`[n\\,lo, n\\,hi]`.

What is promised, for every hidden group with :math:`0 < n < \\text{min\\_n}`:

1. its total is not determined by the published figures (the linear-algebra
   check above);
2. where the undetermined hidden groups of a relation are known together,
   they hold at least ``min_n`` people (their combined figure describes at
   least ``min_n`` people);
3. placements add nothing: the set of values the hidden group can take given
   the published figures, placements and scale is the same as given the
   published figures and scale alone. A placement is an inequality between a
   "rank_only" group and its siblings; it narrows a hidden group only through
   a chain of relations whose unknowns include both. So a "rank_only" group
   gets a placement only when no relation links it (through other unknowns)
   to a hidden group; otherwise its placement is withheld and its siblings are
   ranked among the placed groups alone (``rank`` missing, status still
   "rank_only").

Groups with ``min_n`` to ``rank_only_below - 1`` people are not protected from
being bounded by their own placement: a placement is what they are promised.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import pandas as pd

from hrproductivity._checks import check_columns
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    HRProductivityWarning,
    Problem,
)

__all__ = [
    "comments_allowed",
    "mentions",
    "suppress",
    "suppress_comments",
    "suppress_crosstab",
    "thresholds",
    "words",
]

_NOT_FIGURES = {"n", "invited", "response_rate", "rank", "suppressed", "status", "complementary"}


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


# --------------------------------------------------------------------------- the engine


@dataclass(frozen=True)
class _Relation:
    """The total of ``parent`` is the sum of the totals of ``children`` (cell positions)."""

    parent: int
    children: tuple[int, ...]


@dataclass
class _Structure:
    """Cells and relations of one table.

    Cells ``0 .. n_rows - 1`` are the table's rows; further cells are totals that
    are not rows of the table (an organisation's total under a flat unit table,
    the margins of a breakdown), assumed published elsewhere when large enough.
    """

    n_rows: int
    n: list[float]
    relations: list[_Relation]
    sibling_sets: list[list[int]]

    def add_outside(self) -> int:
        self.n.append(0.0)
        return len(self.n) - 1

    def finish_sizes(self) -> np.ndarray:
        """Sizes of outside cells: the sum of their children, innermost first."""
        sizes = np.array(self.n, dtype="float64")
        pending = {r.parent: r for r in self.relations if r.parent >= self.n_rows}
        while pending:
            ready = [p for p, r in pending.items() if not any(c in pending for c in r.children)]
            for p in ready:
                sizes[p] = sizes[list(pending.pop(p).children)].sum()
        return sizes


def _determinable(unknown: np.ndarray, relations: list[_Relation]) -> np.ndarray:
    """True for every known cell and for every unknown cell whose total is a linear
    combination of published numbers.

    The system splits into blocks of unknowns that share no relation (one per
    wave, item or organisation, typically); each block is solved on its own,
    which gives the same answer as the whole system and keeps the singular
    value decompositions small.
    """
    cells = np.flatnonzero(unknown)
    result = ~unknown
    if cells.size == 0:
        return result
    equations: list[list[tuple[int, float]]] = []
    for rel in relations:
        terms = [(int(c), 1.0) for c in rel.children if unknown[c]]
        if unknown[rel.parent]:
            terms.append((int(rel.parent), -1.0))
        if terms:
            equations.append(terms)
    if not equations:
        return result
    root = {int(c): int(c) for c in cells}

    def find(c: int) -> int:
        while root[c] != c:
            root[c] = root[root[c]]
            c = root[c]
        return c

    for terms in equations:
        for c, _ in terms[1:]:
            root[find(c)] = find(terms[0][0])
    blocks: dict[int, list[list[tuple[int, float]]]] = {}
    for terms in equations:
        blocks.setdefault(find(terms[0][0]), []).append(terms)
    result = result.copy()
    for block in blocks.values():
        members = sorted({c for terms in block for c, _ in terms})
        col = {c: i for i, c in enumerate(members)}
        a = np.zeros((len(block), len(members)))
        for i, terms in enumerate(block):
            for c, coef in terms:
                a[i, col[c]] = coef
        _, sv, vt = np.linalg.svd(a, full_matrices=False)
        rank = int(np.sum(sv > 1e-9 * max(1.0, float(sv.max()))))
        # e_j lies in the row space exactly when its projection on it has norm 1.
        proj = np.sum(vt[:rank] ** 2, axis=0)
        result[members] = proj > 1 - 1e-9
    return result


def _violations(
    n: np.ndarray, hidden: np.ndarray, relations: list[_Relation], min_n: int
) -> tuple[list[tuple[str, int]], np.ndarray]:
    """The two rules of the module notes, checked against a linear-algebra attacker."""
    unknown = hidden & (n > 0)
    det = _determinable(unknown, relations)
    found: list[tuple[str, int]] = [
        ("cell", int(c)) for c in np.flatnonzero(unknown & det & (n < min_n))
    ]
    for r, rel in enumerate(relations):
        if not det[rel.parent]:
            continue
        open_children = [c for c in rel.children if unknown[c] and not det[c]]
        if open_children and n[open_children].sum() < min_n:
            found.append(("relation", r))
    return found, det


def _protect(
    n: np.ndarray, hidden: np.ndarray, relations: list[_Relation], min_n: int, n_rows: int
) -> tuple[np.ndarray, list[int]]:
    """Hide more of the table's rows until no small hidden group can be recovered.

    Returns the final hidden mask and the small cells that stay exposed because
    nothing in the table could be hidden to protect them.
    """
    hidden = hidden.copy()
    unresolved: set[tuple[str, int]] = set()
    as_child: dict[int, list[int]] = {}
    as_parent: dict[int, list[int]] = {}
    for r, rel in enumerate(relations):
        for c in rel.children:
            as_child.setdefault(c, []).append(r)
        as_parent.setdefault(rel.parent, []).append(r)

    def hideable(cells: Sequence[int]) -> list[int]:
        chosen = {c for c in cells if c < n_rows and not hidden[c] and n[c] > 0}
        return sorted(chosen, key=lambda c: (n[c], c))

    while True:
        found, det = _violations(n, hidden, relations, min_n)
        todo = [v for v in found if v not in unresolved]
        if not todo:
            break
        kind, at = todo[0]
        if kind == "cell":
            exposed = [at]
            mine = as_child.get(at, [])
            tiers = [
                hideable([c for r in mine for c in relations[r].children]),
                hideable([c for r in as_parent.get(at, []) for c in relations[r].children]),
            ]
            parents = hideable([relations[r].parent for r in mine])
        else:
            rel = relations[at]
            exposed = [c for c in rel.children if hidden[c] and n[c] > 0]
            tiers = [hideable(list(rel.children))]
            parents = hideable([rel.parent])
        # Hidden groups that are themselves determined expose this one through
        # their other relations (a chain): hiding a group there may cut it.
        near: list[int] = []
        for cell in np.flatnonzero(hidden & det & (n > 0)).tolist():
            for r in as_child.get(cell, []) + as_parent.get(cell, []):
                near.extend(relations[r].children)
                near.append(relations[r].parent)
        tiers.append(hideable(near))
        tiers.append(parents)  # a published total in the table, the last resort
        candidates = list(dict.fromkeys(c for tier in tiers for c in tier))
        if not candidates:
            unresolved.add((kind, at))
            continue
        chosen = candidates[0]
        for c in candidates:
            trial = hidden.copy()
            trial[c] = True
            after, _ = _violations(n, trial, relations, min_n)
            if (kind, at) not in after and not any(
                v[0] == "cell" and v[1] in exposed for v in after
            ):
                chosen = c
                break
        hidden[chosen] = True
    left = {at for kind, at in unresolved if kind == "cell"}
    left |= {c for kind, at in unresolved if kind == "relation" for c in relations[at].children}
    return hidden, sorted(c for c in left if hidden[c] and 0 < n[c] < min_n)


def _linked_to_hidden(
    n: np.ndarray, hidden: np.ndarray, small: np.ndarray, relations: list[_Relation]
) -> np.ndarray:
    """True for every unknown cell that shares a chain of relations with a hidden cell.

    The unknowns are the cells not shown with ``n > 0``. A relation whose
    parent is hidden (never placed) and appears in no other relation
    constrains nothing beyond the children's own ranges (the parent's range is
    the sum of theirs), so it is dropped first, repeatedly. A rank-only parent
    is kept: its own placement would constrain it. The remaining relations
    join their unknown cells into components; a component with a cell of
    ``small`` (hidden, ``n > 0``) is linked.
    """
    unknown = hidden & (n > 0)
    active = [r for r in relations if unknown[r.parent] or any(unknown[c] for c in r.children)]
    while True:
        uses: dict[int, int] = {}
        for r in active:
            for c in (r.parent, *r.children):
                if unknown[c]:
                    uses[c] = uses.get(c, 0) + 1
        keep = [
            r for r in active if not (unknown[r.parent] and small[r.parent] and uses[r.parent] == 1)
        ]
        if len(keep) == len(active):
            break
        active = keep
    root = list(range(len(n)))

    def find(c: int) -> int:
        while root[c] != c:
            root[c] = root[root[c]]
            c = root[c]
        return c

    for r in active:
        cells = [c for c in (r.parent, *r.children) if unknown[c]]
        for c in cells[1:]:
            root[find(c)] = find(cells[0])
    bad = {find(int(c)) for c in np.flatnonzero(small & unknown)}
    return np.array([bool(unknown[c]) and find(c) in bad for c in range(len(n))])


# --------------------------------------------------------------------------- tables


#: Smallest group whose figures a report shows, unless the run sets another.
MIN_N = 5
#: Smallest group a report shows in full (smaller shown groups show only their
#: placement), unless the run sets another; never below ``min_n``.
RANK_ONLY_BELOW = 10


def _whole(name: str, value: Any) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
        raise ArgumentError(f"{name} must be a whole number of 1 or more; got {value!r}")
    return int(value)


def thresholds(
    min_n: int | None = None, rank_only_below: int | None = None, *, warn: bool = True
) -> tuple[int, int]:
    """The anonymity thresholds of a report run: the one rule every step applies.

    Preparing the cache, planning the reports and the report itself all take
    their ``min_n`` and ``rank_only_below`` from here, so they cannot disagree
    on which groups are hidden, shown as a placement only, or shown in full.

    Parameters
    ----------
    min_n : int, optional
        Groups with fewer people show no figures; default :data:`MIN_N` (5).
    rank_only_below : int, optional
        Groups with ``min_n`` to ``rank_only_below - 1`` people show only their
        placement; default ``max(RANK_ONLY_BELOW, min_n)``, i.e. ``max(10, min_n)``.
    warn : bool, default True
        Warn when ``min_n`` is below :data:`MIN_N`.

    Returns
    -------
    tuple of int
        ``(min_n, rank_only_below)``.

    Raises
    ------
    ArgumentError
        A threshold that is not a whole number of 1 or more, or
        ``rank_only_below`` below ``min_n``.

    Warns
    -----
    HRProductivityWarning
        ``min_n`` below 5, the smallest group the survey practice shows
        (docs/privacy.md).

    Notes
    -----
    ``rank_only_below = max(10, min_n)`` unless set: raising ``min_n`` above 10
    alone leaves no placement-only band, and never makes the settings invalid.

    Examples
    --------
    >>> thresholds()
    (5, 10)
    >>> thresholds(12)
    (12, 12)
    >>> thresholds(12, 15)
    (12, 15)
    """
    low = MIN_N if min_n is None else _whole("min_n", min_n)
    if rank_only_below is None:
        rank = max(RANK_ONLY_BELOW, low)
    else:
        rank = _whole("rank_only_below", rank_only_below)
        if rank < low:
            raise ArgumentError(f"rank_only_below ({rank}) must be at least min_n ({low})")
    if warn and low < MIN_N:
        warnings.warn(
            f"min_n={low} is below {MIN_N}: reports will show figures of groups so small "
            "that people can be identified (docs/privacy.md)",
            HRProductivityWarning,
            stacklevel=2,
        )
    return low, rank


def _check_thresholds(min_n: Any, rank_only_below: Any) -> int:
    min_n = _whole("min_n", min_n)
    if rank_only_below is None:
        return min_n
    if not isinstance(rank_only_below, int | np.integer) or isinstance(rank_only_below, bool):
        raise ArgumentError(
            f"rank_only_below must be a whole number or None; got {rank_only_below!r}"
        )
    return max(int(min_n), int(rank_only_below))


def _sizes(table: pd.DataFrame, n_col: str) -> list[float]:
    check_columns(table, "table", n_col=n_col)
    n = pd.to_numeric(table[n_col], errors="coerce").to_numpy(dtype="float64")
    if np.isnan(n).any() or (n < 0).any():
        raise DataValidationError(
            [Problem("table", None, n_col, "must hold respondent counts of 0 or more")]
        )
    return n.tolist()


def _require(table: pd.DataFrame, cols: Sequence[str]) -> None:
    check_columns(table, "table", columns=list(cols))


def _figure_columns(
    table: pd.DataFrame, value_cols: str | Sequence[str] | None, keys: Sequence[str], n_col: str
) -> list[str]:
    if value_cols is not None:
        cols = _as_list(value_cols)
        _require(table, cols)
        return cols
    skip = {*keys, n_col, *_NOT_FIGURES, "level"}
    return [
        c
        for c in table.columns
        if c not in skip
        and (
            str(c).endswith("_band")
            or (
                pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
            )
        )
    ]


def _unique_keys(table: pd.DataFrame, keys: list[str], hint: str) -> None:
    dup = table.duplicated(subset=keys, keep=False)
    if dup.any():
        first = table.index[dup.to_numpy()][:5].tolist()
        raise DataValidationError(
            [
                Problem(
                    "table",
                    None,
                    ", ".join(keys),
                    f"rows must be unique by these columns; rows {first} repeat a key. {hint}",
                )
            ]
        )


def _key(values: Any) -> tuple[Hashable, ...]:
    return tuple(None if pd.isna(v) else v for v in values)


def _split_keys(table: pd.DataFrame, split: list[str]) -> list[tuple[Hashable, ...]]:
    if not split:
        return [()] * len(table)
    return [_key(v) for v in table[split].itertuples(index=False)]


def _finish(
    table: pd.DataFrame,
    structure: _Structure,
    *,
    min_n: int,
    show_from: int,
    complementary: bool,
    parent_published: bool,
    figures: list[str],
    rank_by: str | None,
    with_rank: bool,
    forced: np.ndarray | None = None,
) -> pd.DataFrame:
    n = structure.finish_sizes()
    rows = structure.n_rows
    status = np.where(n < min_n, "hidden", np.where(n < show_from, "rank_only", "shown"))
    if not parent_published:
        status[rows:] = "hidden"
    if forced is not None:
        status[:rows] = np.where(forced, "hidden", status[:rows])
    hidden = status != "shown"
    extra = np.zeros(len(n), dtype=bool)
    if complementary and structure.relations:
        final, exposed = _protect(n, hidden, structure.relations, min_n, rows)
        extra = final & ~hidden
        status = np.where(extra, "hidden", status)
        if exposed:
            inside = [c for c in exposed if c < rows]
            where = [f"rows {table.index[inside].tolist()}"] if inside else []
            if len(exposed) > len(inside):
                where.append(f"{len(exposed) - len(inside)} total(s) outside the table")
            warnings.warn(
                f"small groups ({' and '.join(where)}) could not be protected by hiding more "
                "rows of this table: totals published elsewhere expose them; check those "
                "tables or pass parent_published=False if they are not published",
                HRProductivityWarning,
                stacklevel=3,
            )
    full = status
    status = status[:rows]
    out = table.copy()
    shown = status == "shown"
    for col in figures:
        out[col] = out[col].where(shown)
    if with_rank:
        rank = np.full(rows, np.nan)
        if rank_by is not None:
            values = pd.to_numeric(table[rank_by], errors="coerce").to_numpy(dtype="float64")
            # A placement of a rank-only group linked to a hidden one would bound it.
            linked = _linked_to_hidden(n, full != "shown", full == "hidden", structure.relations)
            placed = (status != "hidden") & ~((status == "rank_only") & linked[:rows])
            for members in structure.sibling_sets:
                eligible = [i for i in members if i < rows and placed[i]]
                ranks = pd.Series(values[eligible]).rank(ascending=False, method="min")
                rank[eligible] = ranks.to_numpy()
        out["rank"] = pd.array([pd.NA if np.isnan(r) else int(r) for r in rank], dtype="Int64")
    out["status"] = pd.Series(status, index=out.index, dtype="str")
    out["complementary"] = extra[:rows]
    if "suppressed" in out.columns:
        out["suppressed"] = ~shown
    return out


def suppress(
    table: pd.DataFrame,
    *,
    n_col: str = "n",
    min_n: int = 5,
    rank_only_below: int | None = 10,
    complementary: bool = True,
    hierarchy: Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    value_cols: str | Sequence[str] | None = None,
    rank_by: str | None = None,
    parent_published: bool = True,
    hide: str | None = None,
) -> pd.DataFrame:
    """Apply the anonymity rules to a group table: hide, rank only, or show each group.

    Parameters
    ----------
    table : DataFrame
        One row per group with its respondent count and figures, as
        :func:`~hrproductivity.aggregation.aggregate` (flat) or
        :func:`~hrproductivity.aggregation.aggregate_hierarchy` (several
        levels) return it. Figures must be computed from all answers.
    n_col : str, default "n"
        The respondent-count column.
    min_n : int, default 5
        Groups with fewer respondents show no figures (status "hidden").
    rank_only_below : int or None, default 10
        Groups with ``min_n <= n < rank_only_below`` show only their rank
        (status "rank_only"). None: no rank-only band.
    complementary : bool, default True
        Hide further groups so that no hidden small group can be recovered by
        difference (see the module notes).
    hierarchy : sequence of str, optional
        Key columns from the top level down, such as ``("org", "unit")``. A
        row's level is given by how many of them are filled from the top: a row
        with ``org`` filled and ``unit`` missing is the organisation's total,
        and the parent of that organisation's unit rows. A row with all of
        them missing is a grand total. Without ``hierarchy`` the table is flat:
        its rows (within each ``by`` group) are the children of one total.
    by : str or sequence of str, optional
        Columns that split the table into independent tables, such as
        ``"wave"``; groups relate only within the same values.
    value_cols : str or sequence of str, optional
        The figures to hide. Default: every numeric column except ``n_col``,
        ``invited``, ``response_rate``, ``rank`` and ``level``, plus every
        ``*_band`` column.
    rank_by : str, optional
        The column whose descending order gives ``rank``. Default
        ``"qwl_index"`` when present; otherwise ``rank`` is all missing.
    parent_published : bool, default True
        Treat a parent total that is not a row of the table (the
        organisation's total for a flat unit table, a missing level) as
        published elsewhere, when its size would let it be shown. False:
        only rows of the table count as published.
    hide : str, optional
        A boolean column: rows where it is True are hidden whatever their size
        (for example a figure whose group is hidden by another figure's
        count), and protected like any hidden group. ``n_col`` should then
        count the people behind the figures being suppressed: a second pass
        for item means uses the item's answer count and hides the rows the
        first pass hid.

    Returns
    -------
    DataFrame
        ``table`` with, for every group that is not "shown", its figures set
        missing, and the columns:

        - ``status``: "shown", "rank_only" or "hidden";
        - ``complementary``: True for a group hidden only to protect another;
        - ``rank``: 1 for the highest ``rank_by`` among its siblings (same
          parent, same ``by``), counting only "shown" and placed "rank_only"
          groups, so a hidden group leaves no gap; missing for hidden groups
          and for "rank_only" groups whose placement would bound a hidden
          group (see the module notes, "The attacker model");
        - ``suppressed`` (updated when present): True unless "shown".

        ``n_col`` is kept for every group: respondent counts are not hidden.

    Raises
    ------
    DataValidationError
        Counts are negative (a missing column is an ArgumentError), the
        hierarchy keys are not filled from the top, or rows repeat a key.
    HRProductivityError
        ``min_n`` or ``rank_only_below`` is not a whole number.

    Warns
    -----
    HRProductivityWarning
        Some small group could not be protected by hiding more groups of the
        table (for example its only sibling is an outside total).

    Notes
    -----
    Let :math:`T_g = n_g \\bar x_g`. For every parent :math:`p` with children
    :math:`C(p)`, :math:`T_p = \\sum_{g \\in C(p)} T_g` (likewise for sums of
    squares and favourable counts). With the hidden set :math:`H`, the attacker
    solves these equations for :math:`\\{T_h, h \\in H\\}`. The result
    guarantees that no :math:`T_h` with :math:`0 < n_h < \\text{min\\_n}` is
    determined, and that in every relation with a known parent the
    undetermined hidden children have :math:`\\sum n \\ge \\text{min\\_n}`. The
    extra groups are chosen greedily, the smallest first, which is what
    vendors do; it is not guaranteed to hide the fewest respondents.

    References
    ----------
    Finnish Institute of Occupational Health, Kunta10 survey reporting rules
    (≥ 10 own summary, 5-9 placement only, < 5 nothing).

    Hundepool, A., et al. (2012). *Statistical Disclosure Control*. Wiley.
    Chapter 7, cell suppression in tabular data.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"unit": ["a", "b", "c"], "n": [3, 12, 30],
    ...                   "FE_mean": [3.1, 3.8, 4.0]})
    >>> suppress(t)[["unit", "n", "FE_mean", "status", "complementary"]]
      unit   n  FE_mean  status  complementary
    0    a   3      NaN  hidden          False
    1    b  12      NaN  hidden           True
    2    c  30      4.0   shown          False
    """
    show_from = _check_thresholds(min_n, rank_only_below)
    n = _sizes(table, n_col)
    split = _as_list(by)
    levels = _as_list(hierarchy)
    _require(table, split + levels)
    figures = _figure_columns(table, value_cols, split + levels, n_col)
    figures = [c for c in figures if c != hide]
    if rank_by is None and "qwl_index" in table.columns:
        rank_by = "qwl_index"
    check_columns(table, "table", rank_by=rank_by)
    forced = None
    if hide is not None:
        _require(table, [hide])
        forced = table[hide].fillna(True).to_numpy(dtype=bool)

    rows = len(table)
    structure = _Structure(rows, n, [], [])
    splits = _split_keys(table, split)
    if not levels:
        groups: dict[tuple[Hashable, ...], list[int]] = {}
        for i in range(rows):
            groups.setdefault(splits[i], []).append(i)
        for members in groups.values():
            structure.relations.append(_Relation(structure.add_outside(), tuple(members)))
            structure.sibling_sets.append(members)
    else:
        _unique_keys(table, split + levels, "Pass by= for columns such as 'wave'.")
        filled = table[levels].notna().to_numpy()
        depth = filled.sum(axis=1)
        bad = [i for i in range(rows) if not filled[i, : depth[i]].all()]
        if bad:
            raise DataValidationError(
                [
                    Problem(
                        "table",
                        None,
                        ", ".join(levels),
                        "hierarchy keys must be filled from the top level down; rows "
                        f"{table.index[bad[:5]].tolist()} skip a level",
                    )
                ]
            )
        values = table[levels].to_numpy(dtype=object)
        cell: dict[tuple[Hashable, ...], int] = {
            (splits[i], *_key(values[i, : depth[i]])): i for i in range(rows)
        }
        children: dict[int, list[int]] = {}

        def cell_of(key: tuple[Hashable, ...]) -> int:
            # key = (split, level-1 value, ..., level-d value); a missing one is outside.
            if key not in cell:
                cell[key] = structure.add_outside()
                if len(key) > 1:
                    children.setdefault(cell_of(key[:-1]), []).append(cell[key])
            return cell[key]

        for i in range(rows):
            if depth[i] > 0:
                parent = cell_of((splits[i], *_key(values[i, : depth[i] - 1])))
                children.setdefault(parent, []).append(i)
        for parent, members in children.items():
            structure.relations.append(_Relation(parent, tuple(members)))
            structure.sibling_sets.append(members)
        structure.sibling_sets.extend([i] for i in range(rows) if depth[i] == 0)
    return _finish(
        table,
        structure,
        min_n=int(min_n),
        show_from=show_from,
        complementary=complementary,
        parent_published=parent_published,
        figures=figures,
        rank_by=rank_by,
        with_rank=True,
        forced=forced,
    )


def suppress_crosstab(
    table: pd.DataFrame,
    *,
    rows: str,
    cols: str,
    n_col: str = "n",
    min_n: int = 5,
    rank_only_below: int | None = None,
    complementary: bool = True,
    by: str | Sequence[str] | None = None,
    value_cols: str | Sequence[str] | None = None,
    parent_published: bool = True,
) -> pd.DataFrame:
    """Apply the anonymity rules to a two-way breakdown, such as unit × gender.

    Parameters
    ----------
    table : DataFrame
        One row per cell: ``rows`` and ``cols`` both filled (e.g. a unit and a
        gender). Optional margin rows: ``cols`` missing (a unit's total),
        ``rows`` missing (a gender's total over the units), both missing (the
        grand total). Figures must be computed from all answers.
    rows, cols : str
        The two breakdown columns, such as ``rows="unit"``, ``cols="gender"``.
    n_col : str, default "n"
        The respondent-count column.
    min_n : int, default 5
        Cells and margins with fewer respondents show no figures.
    rank_only_below : int or None, default None
        As in :func:`suppress`; by default a breakdown has no rank-only band.
    complementary : bool, default True
        Hide further cells so that no hidden cell can be recovered from the
        margins, in either direction.
    by : str or sequence of str, optional
        Columns that split the table into independent tables, such as
        ``("org", "wave")``.
    value_cols : str or sequence of str, optional
        The figures to hide; default as in :func:`suppress`.
    parent_published : bool, default True
        Treat margins missing from the table as published elsewhere (a unit's
        total is in the unit table; a gender's total in the organisation's
        background table), when large enough to be shown.

    Returns
    -------
    DataFrame
        ``table`` with figures of non-"shown" rows set missing and the columns
        ``status`` ("shown", "rank_only", "hidden") and ``complementary``
        (hidden only to protect another cell); ``suppressed`` is updated when
        present.

    Raises
    ------
    DataValidationError
        Rows repeat a (``by``, ``rows``, ``cols``) key.
    HRProductivityError
        ``min_n`` or ``rank_only_below`` is not a whole number.

    Warns
    -----
    HRProductivityWarning
        A small cell could not be protected within the table.

    Notes
    -----
    The relations are :math:`T_{r\\cdot} = \\sum_c T_{rc}`,
    :math:`T_{\\cdot c} = \\sum_r T_{rc}` and
    :math:`T_{\\cdot\\cdot} = \\sum_r T_{r\\cdot} = \\sum_c T_{\\cdot c}`; the
    guarantee is that of :func:`suppress`. A hidden cell therefore needs
    another hidden cell in its row and in its column, and the hidden cells
    must not hang on a single link (a cell whose removal splits the pattern
    would be determined), which the linear-algebra check catches.

    References
    ----------
    Hundepool, A., et al. (2012). *Statistical Disclosure Control*. Wiley.
    Chapter 7.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"unit": ["a", "a", "b", "b"], "gender": ["f", "m"] * 2,
    ...                   "n": [20, 3, 15, 12], "FE_mean": [3.9, 2.0, 4.1, 3.5]})
    >>> suppress_crosstab(t, rows="unit", cols="gender")[["n", "FE_mean", "status"]]
        n  FE_mean  status
    0  20      NaN  hidden
    1   3      NaN  hidden
    2  15      NaN  hidden
    3  12      NaN  hidden
    """
    show_from = _check_thresholds(min_n, rank_only_below)
    n = _sizes(table, n_col)
    split = _as_list(by)
    _require(table, [*split, rows, cols])
    _unique_keys(table, [*split, rows, cols], "Pass by= for columns such as 'org' or 'wave'.")
    figures = _figure_columns(table, value_cols, [*split, rows, cols], n_col)
    size = len(table)
    structure = _Structure(size, n, [], [])
    splits = _split_keys(table, split)
    r_vals = _key(table[rows])
    c_vals = _key(table[cols])
    # (split, row value, column value) -> cell; None stands for "all" (a margin).
    cell: dict[tuple[Any, ...], int] = {(splits[i], r_vals[i], c_vals[i]): i for i in range(size)}

    def cell_of(key: tuple[Any, ...]) -> int:
        if key not in cell:
            cell[key] = structure.add_outside()
        return cell[key]

    members: dict[tuple[Any, ...], list[int]] = {}
    for i in range(size):
        s, r, c = splits[i], r_vals[i], c_vals[i]
        if r is not None and c is not None:
            members.setdefault((s, r, None), []).append(i)
            members.setdefault((s, None, c), []).append(i)
    for s, r, c in list(members):
        margin = cell_of((s, r, c))
        members.setdefault((s, None, None, "rows" if r is not None else "cols"), []).append(margin)
    for key, children in members.items():
        parent = cell_of(key[:3])
        structure.relations.append(_Relation(parent, tuple(children)))
    return _finish(
        table,
        structure,
        min_n=int(min_n),
        show_from=show_from,
        complementary=complementary,
        parent_published=parent_published,
        figures=figures,
        rank_by=None,
        with_rank=False,
    )


# --------------------------------------------------------------------------- comments


@overload
def comments_allowed(n: int | float, *, min_n_comments: int = ...) -> bool: ...
@overload
def comments_allowed(n: pd.Series, *, min_n_comments: int = ...) -> pd.Series: ...
def comments_allowed(n: int | float | pd.Series, *, min_n_comments: int = 10) -> bool | pd.Series:
    """Whether a group is large enough for its free-text comments to be shown.

    Parameters
    ----------
    n : int or Series
        Respondents in the group (not the number of comments).
    min_n_comments : int, default 10
        The threshold; higher than the one for figures because a comment's
        wording can identify its writer.

    Returns
    -------
    bool or Series of bool
        ``n >= min_n_comments``.

    Raises
    ------
    HRProductivityError
        ``min_n_comments`` is not a whole number of 1 or more.

    Notes
    -----
    Vendors use 8-10 for comments against 5 for figures (docs/privacy.md). This
    check alone does not stop differencing between an organisation's comment
    list and its units' lists; :func:`suppress_comments` does.

    Examples
    --------
    >>> comments_allowed(9), comments_allowed(10)
    (False, True)
    """
    _check_thresholds(min_n_comments, None)
    if isinstance(n, pd.Series):
        return (pd.to_numeric(n, errors="coerce") >= min_n_comments).fillna(False).astype(bool)
    return bool(n >= min_n_comments)


def suppress_comments(
    data: pd.DataFrame,
    *,
    hierarchy: Sequence[str] = ("org", "unit"),
    by: str | Sequence[str] | None = ("wave",),
    min_n_comments: int = 10,
    complementary: bool = True,
    comment_cols: str | Sequence[str] | None = None,
    parent_published: bool = True,
) -> pd.DataFrame:
    """The free-text comments that may be shown, for every level of a hierarchy.

    Parameters
    ----------
    data : DataFrame
        Responses, one row per respondent, with the ``hierarchy`` and ``by``
        columns and free-text ``comment_*`` columns.
    hierarchy : sequence of str, default ("org", "unit")
        Levels at which comment lists are published, from the top down.
    by : str or sequence of str, default ("wave",)
        Columns that split the data into independent reports.
    min_n_comments : int, default 10
        A group's comments are shown only when it has at least this many
        respondents (answering or not the comment questions).
    complementary : bool, default True
        Hide further groups' comments so that a parent's list minus its
        visible children's lists never isolates the comments of fewer than
        ``min_n_comments`` respondents (the differencing attack works on lists
        of texts exactly as on totals).
    comment_cols : str or sequence of str, optional
        The free-text columns; default every column starting with ``comment_``.
    parent_published : bool, default True
        See :func:`suppress`.

    Returns
    -------
    DataFrame
        One row per shown comment: the ``hierarchy`` columns (missing below the
        group's level), the ``by`` columns, ``level`` (the group's lowest
        hierarchy column), ``question`` (the comment column) and ``comment``.
        Sorted by group, question and text, so that the order cannot be linked
        to respondents; respondent ids are not returned. Empty comments are
        left out.

    Raises
    ------
    ArgumentError
        A hierarchy, ``by`` or comment column is missing.
    HRProductivityError
        ``min_n_comments`` is not a whole number of 1 or more.

    Notes
    -----
    The group sizes of every level are computed from all respondents and
    passed to :func:`suppress` with ``min_n = min_n_comments`` and no
    rank-only band; a group's comments are returned when its status is
    "shown".

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"org": "o", "unit": ["a"] * 12 + ["b"] * 3, "wave": "2025",
    ...                   "comment_1": ["ok"] * 15})
    >>> suppress_comments(d, complementary=False)["level"].value_counts().to_dict()
    {'org': 15, 'unit': 12}
    """
    levels = _as_list(hierarchy)
    split = _as_list(by)
    if not levels:
        raise ArgumentError("hierarchy must name at least one column, such as ('org',)")
    texts = (
        _as_list(comment_cols)
        if comment_cols is not None
        else [c for c in data.columns if str(c).startswith("comment_")]
    )
    check_columns(data, hierarchy=levels, by=split, comment_cols=texts)
    _check_thresholds(min_n_comments, None)
    parts = []
    for depth in range(1, len(levels) + 1):
        keys = levels[:depth] + split
        sizes = data.groupby(keys, dropna=False, sort=True).size().rename("n").reset_index()
        for col in levels[depth:]:
            sizes[col] = pd.Series(np.nan, index=sizes.index, dtype="str")
        sizes["level"] = levels[depth - 1]
        parts.append(sizes)
    table = pd.concat(parts, ignore_index=True)
    decided = suppress(
        table,
        min_n=min_n_comments,
        rank_only_below=None,
        complementary=complementary,
        hierarchy=levels,
        by=split or None,
        value_cols=[],
        parent_published=parent_published,
    )
    shown = decided.loc[decided["status"] == "shown", [*levels, *split, "level"]]
    out_parts = []
    long = data[[*levels, *split, *texts]].melt(
        id_vars=[*levels, *split], value_vars=texts, var_name="question", value_name="comment"
    )
    long = long[long["comment"].notna()]
    long = long[long["comment"].astype("str").str.strip() != ""]
    for level, groups in shown.groupby("level", sort=False):
        depth = levels.index(str(level)) + 1
        keys = levels[:depth] + split
        part = long.merge(groups[keys], on=keys, how="inner")
        for col in levels[depth:]:
            part[col] = pd.Series(np.nan, index=part.index, dtype="str")
        part["level"] = level
        out_parts.append(part)
    columns = [*levels, *split, "level", "question", "comment"]
    if not out_parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    out = pd.concat(out_parts, ignore_index=True)[columns]
    return out.sort_values(
        [*split, *levels, "question", "comment"], na_position="first", ignore_index=True
    )


# --------------------------------------------------------------------------- names in text

#: Words that do not identify a group on their own (Finnish, Swedish, English).
_FILLER_WORDS = frozenset("ja sekä tai eli the and of for och i av".split())
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of ``text`` as names are compared: NFKC-normalised, case-folded.

    Examples
    --------
    >>> words("Ympa\u0308risto\u0308palvelut-YKSIKÖN")
    ['ympäristöpalvelut', 'yksikön']
    """
    return _WORD.findall(unicodedata.normalize("NFKC", str(text)).casefold())


def _stem(word: str) -> str:
    """The part of a name's word that its inflected forms keep (Finnish endings).

    Finnish adds case endings and changes the last consonants of a stem
    (*palvelut* → *palveluiden*, *hallinto* → *hallinnon*, *valvonta* →
    *valvonnan*), so the last three letters are dropped, keeping at least four.
    Numbers are kept whole.
    """
    if word.isdigit() or len(word) <= 4:
        return word
    return word[: max(4, len(word) - 3)]


def _significant(tokens: Sequence[str]) -> list[str]:
    return [w for w in tokens if w not in _FILLER_WORDS and (len(w) > 2 or w.isdigit())]


def mentions(text: str, name: str, *, visible: Iterable[str] = ()) -> bool:
    """Whether a free text names a group, allowing for case, Unicode forms and inflection.

    Parameters
    ----------
    text : str
        A comment or any text.
    name : str
        The group's name, such as a hidden unit's.
    visible : iterable of str
        Names that may be mentioned (visible units, the organisation): a word
        ``name`` shares with one of them identifies ``name`` only together
        with its other words.

    Returns
    -------
    bool
        True when the text names the group: the whole name appears as
        consecutive words, or every significant word of the name appears as
        the start of a word of the text (its inflected forms and compounds:
        "ympäristöpalvelut-yksikön", "ympäristöpalveluissa" name
        "Ympäristöpalvelut"), or one of the name's significant words that no
        visible name has appears so.

    Notes
    -----
    Text and names are compared after NFKC normalisation and case folding,
    word by word. A word's stem is the word less its last three letters
    (at least four letters are kept; numbers and words of up to four letters
    are kept whole), which covers Finnish case endings and consonant
    gradation at the end of a stem. Filler words ("ja", "and", "och", ...)
    and words of one or two letters do not count as significant. The test
    errs on the side of leaving a comment out.

    Examples
    --------
    >>> mentions("Ympäristöpalvelut-yksikön väki on uupunut", "Ympäristöpalvelut")
    True
    >>> mentions("Kirjaston väki on uupunut", "Kirjasto ja oppimisympäristöt",
    ...          visible=["Kirjasto- ja kulttuuripalvelut"])
    False
    """
    seen = words(text)
    if not seen:
        return False
    own = words(name)
    if not own:
        return False
    k = len(own)
    if any(seen[i : i + k] == own for i in range(len(seen) - k + 1)):
        return True
    key = _significant(own)
    if not key:
        return False

    def present(word: str) -> bool:
        stem = _stem(word)
        if word.isdigit():
            return word in seen
        return any(w.startswith(stem) for w in seen)

    if all(present(w) for w in key):
        return True
    shared = {_stem(w) for other in visible for w in _significant(words(other))}
    return any(present(w) for w in key if _stem(w) not in shared)
