"""The attacker of the anonymity tests: bounds on hidden groups by linear programming.

The attacker of ``hrproductivity.privacy`` (module notes, "The attacker model")
knows every group's answer count ``n``, the published means of shown groups,
the published placements, that a parent's total is the sum of its children's,
and that every mean lies on the scale ``[lo, hi]``. Everything it can say
about a hidden group's total ``T = n x mean`` is the interval between the
smallest and the largest ``T`` of the linear programme

    minimise / maximise  T_h
    subject to           T_p - sum(T_c, c in children(p)) = 0   (every relation)
                         T_g = n_g x mean_g                       (published groups)
                         n_g lo <= T_g <= n_g hi                  (every group)
                         n_j T_i - n_i T_j >= 0                   (i placed above j)

:func:`bounds` solves it with and without the placement rows; the tests
require the two intervals to be equal (placements add nothing) for every
hidden group of ``0 < n < min_n``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog


@dataclass
class Published:
    """What the attacker knows.

    ``n`` for every group (cells); ``mean`` where a group's figure is published
    (NaN elsewhere); ``relations`` as (parent, children); ``above`` as pairs
    (i, j): group i is placed above or level with j (mean_i >= mean_j).
    """

    n: list[float]
    mean: list[float]
    relations: list[tuple[int, list[int]]] = field(default_factory=list)
    above: list[tuple[int, int]] = field(default_factory=list)


def placements(ranks: Sequence[tuple[int, float]]) -> list[tuple[int, int]]:
    """Order pairs from published ranks of one sibling set: (cell, rank), 1 = highest."""
    ordered = sorted((r, c) for c, r in ranks if not np.isnan(r))
    pairs = []
    for (r1, c1), (r2, c2) in zip(ordered, ordered[1:], strict=False):
        pairs.append((c1, c2))
        if r1 == r2:  # tied ranks: equal means
            pairs.append((c2, c1))
    return pairs


def bounds(
    pub: Published,
    cell: int,
    *,
    lo: float,
    hi: float,
    with_placements: bool,
    rounding: float = 0.0,
) -> tuple[float, float]:
    """The smallest and largest mean of ``cell`` consistent with what is published.

    ``rounding``: a published mean is known to lie within this distance of the
    printed one (half a unit of the last printed digit); 0 for exact figures.
    """
    m = len(pub.n)
    n = np.asarray(pub.n, dtype=float)
    a_eq, b_eq = [], []
    for parent, children in pub.relations:
        row = np.zeros(m)
        row[parent] = 1.0
        for c in children:
            row[c] -= 1.0
        a_eq.append(row)
        b_eq.append(0.0)
    box = []
    for g in range(m):
        if not np.isnan(pub.mean[g]):
            t = n[g] * pub.mean[g]
            box.append((t - n[g] * rounding, t + n[g] * rounding))
        else:
            box.append((n[g] * lo, n[g] * hi))
    a_ub, b_ub = [], []
    if with_placements:
        for i, j in pub.above:
            row = np.zeros(m)
            row[i] = -n[j]
            row[j] = n[i]
            a_ub.append(row)
            b_ub.append(0.0)
    out = []
    for sign in (1.0, -1.0):
        c = np.zeros(m)
        c[cell] = sign
        res = linprog(
            c,
            A_ub=np.array(a_ub) if a_ub else None,
            b_ub=np.array(b_ub) if b_ub else None,
            A_eq=np.array(a_eq) if a_eq else None,
            b_eq=np.array(b_eq) if b_eq else None,
            bounds=box,
            method="highs",
        )
        assert res.status == 0, res.message  # the truth is always feasible
        out.append(sign * res.fun / n[cell])
    return out[0], out[1]
