"""Notebook 03, *leadership simulation*: teams choose leadership actions round by round and
see their effect on the QWL index, sickness absence, effective time and EBITDA.

The menu of actions (:data:`ACTIONS`, costs and effects teaching assumptions) is played by
:func:`simulate` through the library's models; :func:`rounds_table`,
:func:`plot_simulation` and :func:`show_rounds` present a team's rounds,
:func:`merge_teams`, :func:`compare_teams` and :func:`show_comparison` set teams side by
side, and :func:`leadership_game` plays the game with ipywidgets.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hrproductivity._checks import check_number, check_share
from hrproductivity.costs import absence_cost
from hrproductivity.errors import ArgumentError, UnknownNameError
from hrproductivity.hcpf import QWL_PRODUCTIVITY_CEILING
from hrproductivity.locales import fmt_eur, fmt_number, fmt_pct
from hrproductivity.teaching._common import (
    _TEAM_COLOURS,
    EXPERIMENT_ANCHOR_POINTS,
    MAX_ACTIONS_PER_ROUND,
    REPEAT_FACTOR,
    SICK_DAYS_PER_QWL_POINT,
    START_LEVELS,
    START_SICK_DAYS,
    _band,
    _check_lang,
    _days,
    _display,
    _pair,
    _points,
    _tidy,
    text,
)
from hrproductivity.teaching.year import TeachingUnit, qwl_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "ACTIONS",
    "Action",
    "LeadershipGame",
    "SimulationResult",
    "actions_table",
    "compare_teams",
    "comparison_table",
    "leadership_game",
    "merge_teams",
    "plot_simulation",
    "rounds_table",
    "show_comparison",
    "show_rounds",
    "simulate",
]


@dataclass(frozen=True)
class Action:
    """One leadership action of the simulation: its cost and its effect. Every number is a
    teaching assumption (see :data:`ACTIONS`).

    Attributes
    ----------
    key : str
        Language-neutral name used in ``choices``.
    label, what, basis : tuple of 2 str
        Name, what is done, and the basis of the numbers, in Finnish and English.
    effect : tuple of 3 float
        Rise of the FE, YI and PL shares (0.02 is 2 percentage points).
    delay : int
        Rounds from the choice until the effect: 0 the same round, 1 the next.
    lasting : bool
        True for an investment: the effect stays from its first round on, and a repeat
        gives :data:`REPEAT_FACTOR` of the previous time's effect. False for a
        practice: the effect is there only in the round ``delay`` after a round in which
        the practice was kept up.
    hours_per_fte : float
        Working time per FTE in the round the action is taken (structural time).
    cash_per_fte, cash_fixed : float
        Money per FTE and per unit in the round the action is taken, €.
    """

    key: str
    label: tuple[str, str]
    what: tuple[str, str]
    basis: tuple[str, str]
    effect: tuple[float, float, float]
    delay: int
    lasting: bool
    hours_per_fte: float
    cash_per_fte: float = 0.0
    cash_fixed: float = 0.0

    def cash_eur(self, fte: float) -> float:
        """Money spent in the round the action is taken: cash_fixed + cash_per_fte × FTE."""
        return self.cash_fixed + self.cash_per_fte * fte

    def name(self, lang: str = "fi") -> str:
        """The action's name in ``lang``."""
        _check_lang(lang)
        return self.label[0 if lang == "fi" else 1]


_RELATIVE = _pair("actions", "relative")

#: The menu of leadership actions. All costs and effects are **teaching assumptions**;
#: the development experiment is sized to the library's example dataset (+3.8 QWL
#: points, :data:`EXPERIMENT_ANCHOR_POINTS`) and the others relative to it.
ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        Action(
            key="one_to_one",
            label=_pair("actions", "one_to_one.label"),
            what=_pair("actions", "one_to_one.what"),
            basis=_pair("actions", "one_to_one.basis"),
            effect=(0.02, 0.02, 0.01),
            delay=1,
            lasting=False,
            hours_per_fte=24.0,
        ),
        Action(
            key="workload",
            label=_pair("actions", "workload.label"),
            what=_pair("actions", "workload.what"),
            basis=_pair("actions", "workload.basis"),
            effect=(0.04, 0.01, 0.0),
            delay=1,
            lasting=False,
            hours_per_fte=8.0,
        ),
        Action(
            key="recognition",
            label=_pair("actions", "recognition.label"),
            what=_pair("actions", "recognition.what"),
            basis=_RELATIVE,
            effect=(0.01, 0.02, 0.01),
            delay=0,
            lasting=False,
            hours_per_fte=2.0,
            cash_per_fte=100.0,
        ),
        Action(
            key="experiment",
            label=_pair("actions", "experiment.label"),
            what=_pair("actions", "experiment.what"),
            basis=_pair("actions", "experiment.basis"),
            effect=(0.02, 0.04, 0.05),
            delay=1,
            lasting=True,
            hours_per_fte=16.0,
            cash_fixed=5_000.0,
        ),
        Action(
            key="training",
            label=_pair("actions", "training.label"),
            what=_pair("actions", "training.what"),
            basis=_pair("actions", "training.basis"),
            effect=(0.0, 0.03, 0.01),
            delay=1,
            lasting=True,
            hours_per_fte=15.0,
            cash_per_fte=300.0,
        ),
    )
}


def actions_table(
    unit: TeachingUnit | None = None,
    *,
    lang: str = "fi",
    actions: Mapping[str, Action] | None = None,
) -> pd.DataFrame:
    """The menu of leadership actions with their costs for the unit, for display.

    Parameters
    ----------
    unit : TeachingUnit, optional
        For the cash cost (per FTE costs times its FTE).
    lang : {"fi", "en"}, keyword-only, default "fi"
    actions : mapping, optional, keyword-only
        Default :data:`ACTIONS`.

    Returns
    -------
    DataFrame
        One row per action: key, name, what is done, time per FTE, cash cost, effects on
        FE / YI / PL in points, delay, kind and basis.
    """
    _check_lang(lang)
    u = unit or TeachingUnit()
    menu = ACTIONS if actions is None else actions
    i = 0 if lang == "fi" else 1
    t = lambda key: text(f"label.{key}", lang=lang)  # noqa: E731
    rows = []
    for a in menu.values():
        effects = " / ".join(_points(e, lang, 0) for e in a.effect)
        rows.append(
            {
                t("key"): a.key,
                t("action"): a.label[i],
                t("what"): a.what[i],
                t("time_per_fte"): fmt_number(a.hours_per_fte, lang=lang, decimals=0),
                t("cash"): fmt_eur(a.cash_eur(u.fte), lang=lang),
                t("effects"): effects,
                t("delay"): str(a.delay),
                t("kind"): t("kind.lasting") if a.lasting else t("kind.practice"),
                t("basis"): a.basis[i],
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SimulationResult:
    """A team's play of the leadership simulation.

    Returned by :func:`simulate`.

    Attributes
    ----------
    team : str
    choices : tuple of tuple of str
        The actions of each round played.
    rounds : DataFrame
        One row per round, round 0 being the start (the year before the first round):

        - ``team``, ``round``, ``actions`` (keys joined with ", ");
        - ``fe``, ``yi``, ``pl``, ``qwl`` (kesti_approx), shares;
        - ``sick_days_per_fte``: start + slope × 100 × (qwl − start qwl), at least 0;
        - ``action_hours_per_fte``, ``action_hours`` (unit), ``action_cash_eur``;
        - ``aw``: structural time use, with the action hours;
        - ``qwl_productive``: min(qwl, 0.85), the index that enters the HCPF;
        - ``effective_share``: (1 − aw) × qwl_productive;
        - ``effective_hours``: FTE × TYW × effective_share;
        - ``delta_effective_hours``: change from round 0;
        - ``value_of_services_eur``: K × effective_hours (HCPF revenue);
        - ``ebitda_eur``: HCPF EBITDA at (qwl_productive, aw) − action_cash_eur;
        - ``delta_ebitda_eur``: change from round 0 (= from doing nothing);
        - ``cumulative_delta_ebitda_eur``: its sum over rounds 1 … r;
        - ``absence_cost_eur``: sick days × FTE × cost per sick day.
    unit : TeachingUnit
    start : tuple of 3 float
        FE, YI and PL shares at the start.
    """

    team: str
    choices: tuple[tuple[str, ...], ...]
    rounds: pd.DataFrame
    unit: TeachingUnit
    start: tuple[float, float, float]
    max_actions: int = MAX_ACTIONS_PER_ROUND

    def text_values(self, lang: str = "fi") -> dict[str, str]:
        """Formatted values for the ``game.*`` texts (intro, rules and the team's result)."""
        _check_lang(lang)
        first, last = self.rounds.iloc[0], self.rounds.iloc[-1]
        anchor = simulate(
            [["experiment"]],
            rounds=2,
            unit=self.unit,
            start=self.start,
            sick_days_per_fte=float(first["sick_days_per_fte"]),
        ).rounds["qwl"]
        cum = float(last["cumulative_delta_ebitda_eur"])
        fte = self.unit.fte
        return {
            "unit": self.unit.name(lang),
            "fte": fmt_number(fte, lang=lang, decimals=1 if fte % 1 else 0),
            "rounds": str(int(last["round"])),
            "max": str(self.max_actions),
            "fe": fmt_pct(self.start[0], lang=lang, decimals=0),
            "yi": fmt_pct(self.start[1], lang=lang, decimals=0),
            "pl": fmt_pct(self.start[2], lang=lang, decimals=0),
            "qwl_start": fmt_pct(float(first["qwl"]), lang=lang),
            "band": _band(float(first["qwl"]), lang),
            "sick": _days(float(first["sick_days_per_fte"]), lang),
            "exp_points": fmt_number(100 * float(anchor.iloc[2] - anchor.iloc[0]), lang=lang),
            "anchor": fmt_number(EXPERIMENT_ANCHOR_POINTS, lang=lang),
            "slope": fmt_number(SICK_DAYS_PER_QWL_POINT, lang=lang),
            "k": fmt_eur(self.unit.k_eur_per_hour, lang=lang),
            "team": self.team,
            "qwl": fmt_pct(float(last["qwl"]), lang=lang),
            "change": _points(float(last["qwl"] - first["qwl"]), lang),
            "cum": fmt_eur(abs(cum), lang=lang),
            "direction": text("game.better" if cum >= 0 else "game.worse", lang=lang),
        }

    def summary(self) -> dict[str, Any]:
        """The team's end result as one record (numbers).

        Returns
        -------
        dict
            ``team``, ``rounds``, ``qwl_start``, ``qwl_final``, ``qwl_change_points``,
            ``sick_days_start``, ``sick_days_final``, ``total_action_cash_eur``,
            ``total_action_hours``, ``final_delta_effective_hours``,
            ``cumulative_delta_ebitda_eur``.
        """
        r = self.rounds
        first, last = r.iloc[0], r.iloc[-1]
        return {
            "team": self.team,
            "rounds": int(last["round"]),
            "qwl_start": float(first["qwl"]),
            "qwl_final": float(last["qwl"]),
            "qwl_change_points": 100.0 * float(last["qwl"] - first["qwl"]),
            "sick_days_start": float(first["sick_days_per_fte"]),
            "sick_days_final": float(last["sick_days_per_fte"]),
            "total_action_cash_eur": float(r["action_cash_eur"].sum()),
            "total_action_hours": float(r["action_hours"].sum()),
            "final_delta_effective_hours": float(last["delta_effective_hours"]),
            "cumulative_delta_ebitda_eur": float(last["cumulative_delta_ebitda_eur"]),
        }


def _check_choices(
    choices: Sequence[Sequence[str]], rounds: int, menu: Mapping[str, Action], max_actions: int
) -> list[list[str]]:
    if not isinstance(rounds, int | np.integer) or rounds < 0:
        raise ArgumentError(f"rounds must be a whole number of 0 or more, got {rounds!r}")
    if isinstance(choices, str) or not isinstance(choices, Sequence):
        raise ArgumentError(
            "choices must be a list with one list of action keys per round, "
            f'such as [["workload"], []]; got {choices!r}'
        )
    if len(choices) > rounds:
        raise ArgumentError(
            f"choices has {len(choices)} rounds but rounds is {rounds}; "
            "give at most one list of actions per round"
        )
    out: list[list[str]] = []
    for r, chosen in enumerate(choices, start=1):
        if isinstance(chosen, str) or not isinstance(chosen, Sequence):
            raise ArgumentError(
                f"round {r} of choices must be a list of action keys, got {chosen!r}"
            )
        for key in chosen:
            if key not in menu:
                raise UnknownNameError(f"leadership action (round {r})", key, list(menu))
        if len(set(chosen)) != len(chosen):
            raise ArgumentError(f"round {r} of choices names an action twice: {list(chosen)!r}")
        if len(chosen) > max_actions:
            raise ArgumentError(
                f"round {r} of choices has {len(chosen)} actions; a round takes at most "
                f"{max_actions}"
            )
        out.append(list(chosen))
    out += [[] for _ in range(rounds - len(out))]
    return out


def simulate(
    choices: Sequence[Sequence[str]],
    *,
    rounds: int = 4,
    team: str = "",
    unit: TeachingUnit | None = None,
    start: tuple[float, float, float] = START_LEVELS,
    sick_days_per_fte: float = START_SICK_DAYS,
    sick_days_per_point: float = SICK_DAYS_PER_QWL_POINT,
    max_actions: int = MAX_ACTIONS_PER_ROUND,
    repeat_factor: float = REPEAT_FACTOR,
    actions: Mapping[str, Action] | None = None,
) -> SimulationResult:
    """Play the leadership simulation: actions per round → factors → QWL → absence,
    effective time and EBITDA through the HCPF.

    Parameters
    ----------
    choices : sequence of sequence of str
        Action keys (of ``actions``) per round; fewer lists than ``rounds`` leave the
        last rounds without actions.
    rounds : int, keyword-only, default 4
        Rounds (years) to play; 0 gives the start only.
    team : str, keyword-only
        The team's name in the tables.
    unit : TeachingUnit, optional, keyword-only
    start : tuple of 3 float, keyword-only, default (0.70, 0.70, 0.70)
        FE, YI and PL shares at the start; their index must be at most 0.85.
    sick_days_per_fte : float, keyword-only, default 15
        Sick days per FTE a year at the start.
    sick_days_per_point : float, keyword-only, default −0.3
        Change of sick days per FTE per QWL point (:data:`SICK_DAYS_PER_QWL_POINT`).
    max_actions : int, keyword-only, default 2
        Actions allowed per round.
    repeat_factor : float, keyword-only, default 0.5
        Share of a lasting action's previous effect that a repeat gives.
    actions : mapping, optional, keyword-only
        The menu; default :data:`ACTIONS`.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ArgumentError
        Too many choices or actions in a round, a repeated key, bad numbers, or a start
        above the productivity ceiling.
    UnknownNameError
        An action key not on the menu.

    Notes
    -----
    For round r = 1 … R and action a chosen in round s:

    - an investment (``lasting``) adds k_a × effect_a to the factors in every round
      r ≥ s + delay_a, with k_a = repeat_factor^(times a was chosen before s);
    - a practice adds effect_a in the round r = s + delay_a only.

    Factors are clipped to 0-1; QWL_r = kesti_approx(FE_r, YI_r, PL_r);
    sick_r = max(0, sick_0 + slope × 100 × (QWL_r − QWL_0));
    AW_r = holidays + (sick_r + other + training) × h/day / TYW + action hours_r / TYW;
    with q_r = min(QWL_r, 0.85), effective hours = FTE × TYW × (1 − AW_r) × q_r,
    value of services = K × effective hours and EBITDA_r = value × (1 − v) − staff costs
    − other fixed costs − cash_r, i.e. :meth:`HCPF.ebitda_at` of the start's HCPF
    (K calibrated at the start) minus the actions' cash.

    Examples
    --------
    Without actions nothing changes; a development experiment chosen in round 1 lifts
    the index from round 2 on, by 3.7 points:

    >>> still = simulate([], rounds=3)
    >>> still.rounds["qwl"].round(4).tolist()
    [0.5567, 0.5567, 0.5567, 0.5567]
    >>> r = simulate([["experiment"]], rounds=3).rounds
    >>> (100 * (r["qwl"] - r["qwl"].iloc[0])).round(1).tolist()
    [0.0, 0.0, 3.7, 3.7]
    """
    menu = ACTIONS if actions is None else actions
    u = unit or TeachingUnit()
    if len(start) != 3:
        raise ArgumentError(f"start must hold the FE, YI and PL shares, got {start!r}")
    if not isinstance(max_actions, int) or max_actions < 0:
        raise ArgumentError(f"max_actions must be a whole number of 0 or more, got {max_actions!r}")
    plan = _check_choices(choices, rounds, menu, max_actions)
    base = np.array([check_share(n, v) for n, v in zip(("fe", "yi", "pl"), start, strict=True)])
    sick0 = check_number("sick_days_per_fte", sick_days_per_fte, what="days")
    slope = check_number("sick_days_per_point", sick_days_per_point, low=-math.inf)
    repeat = check_share("repeat_factor", repeat_factor)
    q0 = qwl_of(*base)
    if q0 > QWL_PRODUCTIVITY_CEILING:
        raise ArgumentError(
            f"the start levels give a QWL index of {q0:.3f}, above "
            f"{QWL_PRODUCTIVITY_CEILING:g} where it no longer raises productivity; "
            "start from lower levels"
        )
    h0 = u.hcpf(q0, sick_days_per_fte=sick0)
    total = len(plan)
    lifts = np.zeros((total + 1, 3))
    chosen_before: Counter[str] = Counter()
    for s, keys in enumerate(plan, start=1):
        for key in keys:
            a = menu[key]
            first = s + a.delay
            if first > total:
                continue
            effect = np.asarray(a.effect, dtype="float64")
            if a.lasting:
                lifts[first:] += repeat ** chosen_before[key] * effect
            else:
                lifts[first] += effect
        chosen_before.update(keys)
    records = []
    cumulative = 0.0
    for r in range(total + 1):
        keys = plan[r - 1] if r else []
        shares = np.clip(base + lifts[r], 0.0, 1.0)
        q = qwl_of(*shares)
        sick = max(0.0, sick0 + slope * 100.0 * (q - q0))
        hours_fte = float(sum(menu[k].hours_per_fte for k in keys))
        cash = float(sum(menu[k].cash_eur(u.fte) for k in keys))
        aw = u.aw(sick, hours_fte)
        productive = min(q, QWL_PRODUCTIVITY_CEILING)
        effective_share = (1.0 - aw) * productive
        ebitda = h0.ebitda_at(productive, aw) - cash
        delta = ebitda - h0.ebitda
        cumulative += delta if r else 0.0
        records.append(
            {
                "team": team,
                "round": r,
                "actions": ", ".join(keys),
                "fe": float(shares[0]),
                "yi": float(shares[1]),
                "pl": float(shares[2]),
                "qwl": q,
                "sick_days_per_fte": sick,
                "action_hours_per_fte": hours_fte,
                "action_hours": hours_fte * u.fte,
                "action_cash_eur": cash,
                "aw": aw,
                "qwl_productive": productive,
                "effective_share": effective_share,
                "effective_hours": u.fte * u.theoretical_hours * effective_share,
                "value_of_services_eur": h0.revenue_at(productive, aw),
                "ebitda_eur": ebitda,
                "delta_ebitda_eur": delta,
                "cumulative_delta_ebitda_eur": cumulative,
                "absence_cost_eur": float(
                    absence_cost(sick * u.fte, cost_per_day=u.cost_per_sick_day)
                ),
            }
        )
    frame = pd.DataFrame(records)
    frame.insert(
        int(frame.columns.get_loc("effective_hours")) + 1,
        "delta_effective_hours",
        frame["effective_hours"] - frame["effective_hours"].iloc[0],
    )
    return SimulationResult(
        team=team,
        choices=tuple(tuple(k) for k in plan),
        rounds=frame,
        unit=u,
        start=(float(base[0]), float(base[1]), float(base[2])),
        max_actions=max_actions,
    )


def _inline_html(markdown: str) -> str:
    """The bold and italic marks of a one-paragraph text as HTML (for widget messages)."""
    from html import escape

    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(markdown, quote=False))
    return "<p>" + re.sub(r"\*(.+?)\*", r"<i>\1</i>", out) + "</p>"


def _action_names(keys: str, lang: str, menu: Mapping[str, Action]) -> str:
    if not keys:
        return text("label.no_actions", lang=lang)
    return ", ".join(menu[k].name(lang) if k in menu else k for k in keys.split(", "))


def rounds_table(
    result: SimulationResult | pd.DataFrame,
    *,
    lang: str = "fi",
    actions: Mapping[str, Action] | None = None,
) -> pd.DataFrame:
    """A team's rounds formatted for display (the columns a supervisor reads).

    Parameters
    ----------
    result : SimulationResult or DataFrame
        A result, or its ``rounds`` table.
    lang : {"fi", "en"}, keyword-only, default "fi"
    actions : mapping, optional, keyword-only
        The menu, for the actions' names; default :data:`ACTIONS`.

    Returns
    -------
    DataFrame
        Indexed by round ("start" for round 0).
    """
    _check_lang(lang)
    r = result.rounds if isinstance(result, SimulationResult) else result
    menu = ACTIONS if actions is None else actions
    t = lambda key: text(f"label.{key}", lang=lang)  # noqa: E731
    eur = lambda x: fmt_eur(x, lang=lang)  # noqa: E731
    index = [t("start_round") if k == 0 else str(k) for k in r["round"]]
    out = pd.DataFrame(
        {
            t("actions"): [
                "–" if k == 0 else _action_names(a, lang, menu)
                for k, a in zip(r["round"], r["actions"], strict=True)
            ],
            "FE / YI / PL": [
                " / ".join(fmt_pct(v, lang=lang, decimals=0) for v in (fe, yi, pl))
                for fe, yi, pl in zip(r["fe"], r["yi"], r["pl"], strict=True)
            ],
            t("qwl"): [fmt_pct(q, lang=lang) for q in r["qwl"]],
            t("sick_days"): [fmt_number(v, lang=lang) for v in r["sick_days_per_fte"]],
            t("action_hours"): [fmt_number(v, lang=lang, decimals=0) for v in r["action_hours"]],
            t("cash"): [eur(v) for v in r["action_cash_eur"]],
            t("effective_hours"): [
                fmt_number(v, lang=lang, decimals=0) for v in r["effective_hours"]
            ],
            t("delta_hours"): [_points(v / 100, lang, 0) for v in r["delta_effective_hours"]],
            t("ebitda"): [eur(v) for v in r["ebitda_eur"]],
            t("delta_ebitda"): [eur(v) for v in r["delta_ebitda_eur"]],
            t("cum_ebitda"): [eur(v) for v in r["cumulative_delta_ebitda_eur"]],
        },
        index=pd.Index(index, name=t("round")),
    )
    return out


def _rounds_of(item: SimulationResult | pd.DataFrame) -> pd.DataFrame:
    if isinstance(item, SimulationResult):
        return item.rounds
    if isinstance(item, pd.DataFrame):
        missing = [c for c in ("team", "round") if c not in item.columns]
        if missing:
            raise ArgumentError(f"a team's rounds table lacks the columns {missing}")
        return item
    raise ArgumentError(
        f"merge_teams takes SimulationResult objects or rounds tables, got {type(item).__name__}"
    )


def merge_teams(
    results: Iterable[SimulationResult | pd.DataFrame]
    | Mapping[str, SimulationResult | pd.DataFrame],
) -> pd.DataFrame:
    """Merge several teams' round tables into one long table, for a training session.

    Parameters
    ----------
    results : iterable or mapping
        :class:`SimulationResult` objects or their ``rounds`` tables (for example read
        back from the teams' recorded results). A mapping's keys replace the teams'
        names.

    Returns
    -------
    DataFrame
        The rows of every team, in the order given, with the columns of
        :attr:`SimulationResult.rounds`.

    Raises
    ------
    ArgumentError
        No teams, two teams with the same name, or a table without ``team`` and
        ``round``.

    Examples
    --------
    >>> a = simulate([["workload"]], rounds=2, team="A")
    >>> b = simulate([], rounds=2, team="B")
    >>> merge_teams([a, b]).groupby("team")["round"].max().to_dict()
    {'A': 2, 'B': 2}
    """
    if isinstance(results, Mapping):
        frames = [_rounds_of(v).assign(team=str(k)) for k, v in results.items()]
    else:
        frames = [_rounds_of(v) for v in results]
    if not frames:
        raise ArgumentError("merge_teams needs at least one team")
    names = [str(f["team"].iloc[0]) if len(f) else "" for f in frames]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ArgumentError(f"team names must differ; repeated: {repeated}")
    return pd.concat(frames, ignore_index=True)


def compare_teams(
    results: Iterable[SimulationResult | pd.DataFrame]
    | Mapping[str, SimulationResult | pd.DataFrame],
) -> pd.DataFrame:
    """One row per team, ranked by the cumulative change in EBITDA.

    Parameters
    ----------
    results : iterable or mapping
        As in :func:`merge_teams`.

    Returns
    -------
    DataFrame
        ``place`` (1 for the largest cumulative change in EBITDA), ``team``,
        ``rounds``, ``qwl_start``, ``qwl_final``, ``qwl_change_points``,
        ``sick_days_start``, ``sick_days_final``, ``total_action_cash_eur``,
        ``total_action_hours``, ``final_delta_effective_hours``,
        ``cumulative_delta_ebitda_eur``.

    Examples
    --------
    >>> a = simulate([["workload"], ["workload"]], rounds=2, team="A")
    >>> b = simulate([], rounds=2, team="B")
    >>> compare_teams([a, b])[["place", "team"]].values.tolist()
    [[1, 'A'], [2, 'B']]
    """
    merged = merge_teams(results)
    rows = []
    for team, r in merged.groupby("team", sort=False):
        r = r.sort_values("round")
        first, last = r.iloc[0], r.iloc[-1]
        rows.append(
            {
                "team": str(team),
                "rounds": int(last["round"]),
                "qwl_start": float(first["qwl"]),
                "qwl_final": float(last["qwl"]),
                "qwl_change_points": 100.0 * float(last["qwl"] - first["qwl"]),
                "sick_days_start": float(first["sick_days_per_fte"]),
                "sick_days_final": float(last["sick_days_per_fte"]),
                "total_action_cash_eur": float(r["action_cash_eur"].sum()),
                "total_action_hours": float(r["action_hours"].sum()),
                "final_delta_effective_hours": float(last["delta_effective_hours"]),
                "cumulative_delta_ebitda_eur": float(last["cumulative_delta_ebitda_eur"]),
            }
        )
    out = pd.DataFrame(rows).sort_values(
        "cumulative_delta_ebitda_eur", ascending=False, kind="stable", ignore_index=True
    )
    out.insert(0, "place", range(1, len(out) + 1))
    return out


def comparison_table(comparison: pd.DataFrame, *, lang: str = "fi") -> pd.DataFrame:
    """:func:`compare_teams` formatted for display.

    Parameters
    ----------
    comparison : DataFrame
        The output of :func:`compare_teams`.
    lang : {"fi", "en"}, keyword-only, default "fi"

    Returns
    -------
    DataFrame
        Indexed by place, with the team, its final index and change, sick days, cash and
        time spent, the change in effective hours and the cumulative change in EBITDA.
    """
    _check_lang(lang)
    t = lambda key: text(f"label.{key}", lang=lang)  # noqa: E731
    c = comparison
    return pd.DataFrame(
        {
            t("placement"): c["place"].astype(int).tolist(),
            t("team"): c["team"].tolist(),
            t("final_qwl"): [fmt_pct(v, lang=lang) for v in c["qwl_final"]],
            t("qwl_change"): [_points(v / 100, lang) for v in c["qwl_change_points"]],
            t("final_sick"): [fmt_number(v, lang=lang) for v in c["sick_days_final"]],
            t("total_cash"): [fmt_eur(v, lang=lang) for v in c["total_action_cash_eur"]],
            t("total_hours"): [
                fmt_number(v, lang=lang, decimals=0) for v in c["total_action_hours"]
            ],
            t("final_delta_hours"): [
                _points(v / 100, lang, 0) for v in c["final_delta_effective_hours"]
            ],
            t("cum_ebitda"): [fmt_eur(v, lang=lang) for v in c["cumulative_delta_ebitda_eur"]],
        }
    ).set_index(t("placement"))


def plot_simulation(
    results: SimulationResult | Iterable[SimulationResult | pd.DataFrame],
    *,
    lang: str = "fi",
    axes: Sequence[Axes] | np.ndarray | None = None,
) -> np.ndarray:
    """Four small panels by round: QWL, sick days, effective hours and the cumulative
    change in EBITDA, one line per team.

    Parameters
    ----------
    results : SimulationResult or iterable of them (or of rounds tables)
    lang : {"fi", "en"}, keyword-only, default "fi"
    axes : sequence of 4 Axes, optional, keyword-only
        Where to draw; a new 2 × 2 figure when None.

    Returns
    -------
    ndarray of Axes
        The four Axes.
    """
    _check_lang(lang)
    items = [results] if isinstance(results, SimulationResult) else list(results)
    merged = merge_teams(items)
    if axes is None:
        import matplotlib.pyplot as plt

        _, grid = plt.subplots(2, 2, figsize=(10.0, 6.0), layout="constrained")
        axs = np.asarray(grid).ravel()
    else:
        axs = np.asarray(axes, dtype=object).ravel()
        if axs.size != 4:
            raise ArgumentError(f"axes must hold 4 Axes, got {axs.size}")
    panels = [  # column, scale, title, decimals on the axis
        ("qwl", 100.0, "label.qwl_axis", 1),
        ("sick_days_per_fte", 1.0, "label.sick_axis", 1),
        ("effective_hours", 1.0, "label.hours_axis_unit", 0),
        ("cumulative_delta_ebitda_eur", 1.0, "label.cum_axis", 0),
    ]
    for i, (team, r) in enumerate(merged.groupby("team", sort=False)):
        colour = _TEAM_COLOURS[i % len(_TEAM_COLOURS)]
        for ax, (column, scale, _, _) in zip(axs, panels, strict=True):
            ax.plot(r["round"], scale * r[column], marker="o", color=colour, label=str(team))
    rounds = sorted(merged["round"].unique())
    for ax, (_, _, label, decimals) in zip(axs, panels, strict=True):
        ax.set_title(text(label, lang=lang), fontsize=10, loc="left")
        ax.set_xticks(rounds)
        ax.set_xticklabels(
            [text("label.start_round", lang=lang) if k == 0 else str(k) for k in rounds],
            fontsize=8,
        )
        ax.yaxis.set_major_formatter(_number_formatter(lang, decimals))
        _tidy(ax)
    axs[3].axhline(0.0, color="grey", linewidth=0.8)
    axs[0].legend(frameon=False, fontsize=8)
    return axs


def _number_formatter(lang: str, decimals: int) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_number(x, lang=lang, decimals=decimals))


def show_rounds(
    result: SimulationResult,
    *,
    lang: str = "fi",
    compare_with: Iterable[SimulationResult] = (),
) -> None:
    """Display a team's figure (:func:`plot_simulation`) and its rounds table.

    Parameters
    ----------
    result : SimulationResult
    lang : {"fi", "en"}, keyword-only, default "fi"
    compare_with : iterable of SimulationResult, keyword-only
        Other teams to draw in the same figure.
    """
    import matplotlib.pyplot as plt

    others = list(compare_with)
    axs = plot_simulation([result, *others], lang=lang)
    fig = axs[0].figure
    _display(fig)
    plt.close(fig)
    _display(rounds_table(result, lang=lang))


def show_comparison(
    results: Sequence[SimulationResult | pd.DataFrame], *, lang: str = "fi"
) -> pd.DataFrame:
    """Display the teams' figure and comparison table.

    Parameters
    ----------
    results : sequence of SimulationResult or rounds tables
    lang : {"fi", "en"}, keyword-only, default "fi"

    Returns
    -------
    DataFrame
        :func:`compare_teams` of ``results`` (numbers).
    """
    import matplotlib.pyplot as plt

    comparison = compare_teams(results)
    axs = plot_simulation(results, lang=lang)
    fig = axs[0].figure
    _display(fig)
    plt.close(fig)
    _display(comparison_table(comparison, lang=lang))
    return comparison


class LeadershipGame:
    """The leadership simulation played round by round with ipywidgets.

    Built by :func:`leadership_game`. Tick the round's actions and click *Play the
    round*; the result of the rounds played so far is redrawn. Displaying the object
    displays its widget.

    Attributes
    ----------
    checkboxes : dict of str to ipywidgets.Checkbox
        One per action key.
    play_button, reset_button : ipywidgets.Button
    choices : list of list of str
        The actions of the rounds played.
    result : SimulationResult
        The rounds played so far (round 0 only before the first round).
    """

    def __init__(
        self,
        *,
        rounds: int,
        team: str,
        unit: TeachingUnit,
        start: tuple[float, float, float],
        sick_days_per_fte: float,
        max_actions: int,
        lang: str,
    ) -> None:
        import ipywidgets as widgets

        _check_lang(lang)
        if not isinstance(rounds, int) or rounds < 1:
            raise ArgumentError(f"rounds must be a whole number of 1 or more, got {rounds!r}")
        self.rounds, self.team, self.unit, self.lang = rounds, team, unit, lang
        self.start, self.sick_days_per_fte, self.max_actions = start, sick_days_per_fte, max_actions
        self.choices: list[list[str]] = []
        self.checkboxes = {
            key: widgets.Checkbox(
                value=False,
                description=a.name(lang),
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            for key, a in ACTIONS.items()
        }
        self.play_button = widgets.Button(
            description=text("label.play", lang=lang), button_style="primary"
        )
        self.reset_button = widgets.Button(description=text("label.reset", lang=lang))
        self.play_button.on_click(lambda _b: self.play())
        self.reset_button.on_click(lambda _b: self.reset())
        self.message = widgets.HTML()
        self.output = widgets.Output()
        self.widget = widgets.VBox(
            [
                self.message,
                widgets.VBox(list(self.checkboxes.values())),
                widgets.HBox([self.play_button, self.reset_button]),
                self.output,
            ]
        )
        self.result = self._simulate()
        self._render()

    def _simulate(self) -> SimulationResult:
        return simulate(
            self.choices,
            rounds=len(self.choices),
            team=self.team,
            unit=self.unit,
            start=self.start,
            sick_days_per_fte=self.sick_days_per_fte,
            max_actions=self.max_actions,
        )

    def _say(self, key: str, **values: Any) -> None:
        self.message.value = _inline_html(text(key, lang=self.lang, **values))

    def play(self) -> None:
        """Play one round with the ticked actions (the *Play the round* button)."""
        if len(self.choices) >= self.rounds:
            self._say("game.over", rounds=self.rounds)
            return
        chosen = [k for k, box in self.checkboxes.items() if box.value]
        if len(chosen) > self.max_actions:
            self._say("game.too_many", count=len(chosen), max=self.max_actions)
            return
        self.choices.append(chosen)
        self.result = self._simulate()
        for box in self.checkboxes.values():
            box.value = False
        self._render()

    def played_teams(self) -> list[SimulationResult]:
        """The game as a team for :func:`compare_teams`: the team's name with "(game)",
        or an empty list before the first round."""
        if not self.choices:
            return []
        name = f"{self.team} ({text('label.game', lang=self.lang)})"
        return [replace(self.result, team=name, rounds=self.result.rounds.assign(team=name))]

    def reset(self) -> None:
        """Start over from round 1 (the *Start over* button)."""
        self.choices = []
        self.result = self._simulate()
        for box in self.checkboxes.values():
            box.value = False
        self._render()

    def _render(self) -> None:
        from IPython.display import clear_output

        played = len(self.choices)
        self.play_button.disabled = played >= self.rounds
        if played >= self.rounds:
            self._say("game.over", rounds=self.rounds)
        else:
            self._say("game.choose", round=played + 1, rounds=self.rounds, max=self.max_actions)
        with self.output:
            clear_output(wait=True)
            if played:
                show_rounds(self.result, lang=self.lang)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def leadership_game(
    *,
    rounds: int = 4,
    team: str = "",
    unit: TeachingUnit | None = None,
    start: tuple[float, float, float] = START_LEVELS,
    sick_days_per_fte: float = START_SICK_DAYS,
    max_actions: int = MAX_ACTIONS_PER_ROUND,
    lang: str = "fi",
) -> LeadershipGame:
    """Build the interactive leadership simulation of notebook 3 (ipywidgets).

    Parameters
    ----------
    rounds : int, keyword-only, default 4
    team : str, keyword-only
    unit : TeachingUnit, optional, keyword-only
    start : tuple of 3 float, keyword-only, default (0.70, 0.70, 0.70)
    sick_days_per_fte : float, keyword-only, default 15
    max_actions : int, keyword-only, default 2
    lang : {"fi", "en"}, keyword-only, default "fi"

    Returns
    -------
    LeadershipGame
    """
    return LeadershipGame(
        rounds=rounds,
        team=team,
        unit=unit or TeachingUnit(),
        start=start,
        sick_days_per_fte=sick_days_per_fte,
        max_actions=max_actions,
        lang=lang,
    )
