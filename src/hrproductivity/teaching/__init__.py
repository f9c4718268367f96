"""Teaching models for leadership training: one unit's working year, reading a QWL report,
and a leadership simulation.

The three notebooks in ``notebooks/teaching`` are thin: every number they show comes from a
function here, and every function here computes with the library's models: the human
capital production function (:class:`~hrproductivity.hcpf.HCPF`), the QWL index
(:func:`~hrproductivity.scoring.qwl_index`, scorer ``"kesti_approx"``) and its bands
(:func:`~hrproductivity.scoring.qwl_band`), the cost of absence
(:func:`~hrproductivity.costs.absence_cost`) and the anonymity rules
(:func:`~hrproductivity.privacy.suppress`).

What is a *teaching assumption* and not a published figure is named as such, in the
docstrings and in the texts the notebooks show: the example unit's accounts
(:class:`TeachingUnit`), the leadership actions' costs and effects (:data:`ACTIONS`) and
the slope of sickness absence on QWL (:data:`SICK_DAYS_PER_QWL_POINT`). Where an
assumption is sized after a published figure (docs/effect-sizes.md) or after the library's
synthetic model (:mod:`hrproductivity.synthetic`), the text says which.

Texts come in Finnish and English (``lang="fi"`` or ``"en"``), written for supervisors
without a statistics background; :func:`text` returns one as Markdown and :func:`show`
displays it. Widgets (ipywidgets) are built by :func:`year_explorer` and
:func:`leadership_game`; their callbacks only call the tested functions here and redraw.

The code is split by topic: :mod:`~hrproductivity.teaching.year` (notebook 01),
:mod:`~hrproductivity.teaching.reading` (notebook 02),
:mod:`~hrproductivity.teaching.simulation` (notebook 03), and the texts, constants and
shared helpers in ``_common`` (the texts are the ``teaching`` namespace of the locales);
every public name is re-exported here.
"""

from __future__ import annotations

from hrproductivity.teaching._common import (
    EXPERIMENT_ANCHOR_POINTS,
    LANGUAGES,
    MAX_ACTIONS_PER_ROUND,
    REPEAT_FACTOR,
    SICK_DAYS_PER_QWL_POINT,
    START_LEVELS,
    START_SICK_DAYS,
    show,
    text,
)
from hrproductivity.teaching.reading import (
    DifferencingExample,
    SamplingDemo,
    band_table,
    band_values,
    differencing_example,
    factor_effects,
    kunta10_example,
    mean_interval,
    next_band,
    plot_band,
    plot_sampling,
    sampling_demo,
    sampling_table,
    simulate_respondents,
)
from hrproductivity.teaching.simulation import (
    ACTIONS,
    Action,
    LeadershipGame,
    SimulationResult,
    actions_table,
    compare_teams,
    comparison_table,
    leadership_game,
    merge_teams,
    plot_simulation,
    rounds_table,
    show_comparison,
    show_rounds,
    simulate,
)
from hrproductivity.teaching.year import (
    TeachingUnit,
    UnitYear,
    YearExplorer,
    assumptions_table,
    plot_point_value,
    plot_year,
    qwl_of,
    show_year,
    unit_year,
    year_explorer,
    year_table,
)

__all__ = [
    "ACTIONS",
    "EXPERIMENT_ANCHOR_POINTS",
    "LANGUAGES",
    "MAX_ACTIONS_PER_ROUND",
    "REPEAT_FACTOR",
    "SICK_DAYS_PER_QWL_POINT",
    "START_LEVELS",
    "START_SICK_DAYS",
    "Action",
    "DifferencingExample",
    "LeadershipGame",
    "SamplingDemo",
    "SimulationResult",
    "TeachingUnit",
    "UnitYear",
    "YearExplorer",
    "actions_table",
    "assumptions_table",
    "band_table",
    "compare_teams",
    "comparison_table",
    "differencing_example",
    "factor_effects",
    "kunta10_example",
    "next_band",
    "band_values",
    "leadership_game",
    "mean_interval",
    "merge_teams",
    "plot_band",
    "plot_point_value",
    "plot_sampling",
    "plot_simulation",
    "plot_year",
    "qwl_of",
    "rounds_table",
    "sampling_demo",
    "sampling_table",
    "show",
    "show_comparison",
    "show_rounds",
    "show_year",
    "simulate",
    "simulate_respondents",
    "text",
    "unit_year",
    "year_explorer",
    "year_table",
]
