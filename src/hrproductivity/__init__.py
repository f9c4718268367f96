"""hrproductivity: quality of working life, well-being at work and personnel productivity.

The names below are the public API; each lives in a small topic module
(:mod:`~hrproductivity.io`, :mod:`~hrproductivity.scoring`,
:mod:`~hrproductivity.reliability`, :mod:`~hrproductivity.aggregation`,
:mod:`~hrproductivity.privacy`, :mod:`~hrproductivity.hcpf`,
:mod:`~hrproductivity.costs`, :mod:`~hrproductivity.tables`,
:mod:`~hrproductivity.synthetic`); the packaged example dataset is at
``hrproductivity.datasets.example()``.

Submodules load on first use of one of their names, so ``import hrproductivity``
and the command line start fast; the statistics stack (semopy, pingouin,
statsmodels) is imported only by what needs it.
"""

from __future__ import annotations

import importlib
from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hrproductivity import datasets, synthetic
    from hrproductivity.aggregation import (
        aggregate,
        aggregate_hierarchy,
        icc1,
        icc1_mixed,
        icc2,
        mean_ci,
        mean_difference_ci,
        null_variance,
        rwg,
        rwg_j,
    )
    from hrproductivity.costs import (
        absence_cost,
        absence_cost_per_day,
        capacity_lost,
        sickness_absence_rate,
        structural_time_share,
        turnover_cost,
    )
    from hrproductivity.errors import (
        ArgumentError,
        DataValidationError,
        HRProductivityError,
        HRProductivityWarning,
        InstrumentError,
        ModelFitError,
        ModelWarning,
        Problem,
        ReportError,
        UnknownNameError,
    )
    from hrproductivity.hcpf import HCPF, QWLValue
    from hrproductivity.instruments import Instrument, load_instrument
    from hrproductivity.io import (
        Dataset,
        ValidationReport,
        load_dataset,
        process,
        read_finance,
        read_hr,
        read_processed,
        read_survey,
        read_units,
        validate,
        write_dataset,
    )
    from hrproductivity.models._results import compare
    from hrproductivity.models.did import did
    from hrproductivity.models.drivers import drivers
    from hrproductivity.models.mediation import mediation
    from hrproductivity.models.multilevel import multilevel
    from hrproductivity.models.panel import panel_effect
    from hrproductivity.privacy import (
        comments_allowed,
        suppress,
        suppress_comments,
        suppress_crosstab,
    )
    from hrproductivity.reliability import (
        CFAResults,
        alpha_if_deleted,
        cfa,
        cronbach_alpha,
        item_analysis,
        mcdonald_omega,
        measurement_invariance,
        reliability_by,
    )
    from hrproductivity.scoring import (
        qwl_band,
        qwl_index,
        qwl_scorers,
        register_qwl_scorer,
        score_scales,
    )
    from hrproductivity.tables import org_waves, unit_waves

# submodules reached as attributes (hp.synthetic.generate, hp.datasets.example)
_MODULES = ("datasets", "synthetic")

# public name -> submodule that defines it
_EXPORTS = {
    "ArgumentError": "errors",
    "CFAResults": "reliability",
    "DataValidationError": "errors",
    "Dataset": "io",
    "HCPF": "hcpf",
    "HRProductivityError": "errors",
    "HRProductivityWarning": "errors",
    "Instrument": "instruments",
    "InstrumentError": "errors",
    "ModelFitError": "errors",
    "ModelWarning": "errors",
    "Problem": "errors",
    "QWLValue": "hcpf",
    "ReportError": "errors",
    "UnknownNameError": "errors",
    "ValidationReport": "io",
    "absence_cost": "costs",
    "absence_cost_per_day": "costs",
    "aggregate": "aggregation",
    "aggregate_hierarchy": "aggregation",
    "alpha_if_deleted": "reliability",
    "capacity_lost": "costs",
    "cfa": "reliability",
    "comments_allowed": "privacy",
    "cronbach_alpha": "reliability",
    "icc1": "aggregation",
    "icc1_mixed": "aggregation",
    "icc2": "aggregation",
    "item_analysis": "reliability",
    "load_dataset": "io",
    "load_instrument": "instruments",
    "mcdonald_omega": "reliability",
    "mean_ci": "aggregation",
    "mean_difference_ci": "aggregation",
    "panel_effect": "models",
    "multilevel": "models",
    "mediation": "models",
    "drivers": "models",
    "did": "models",
    "compare": "models",
    "measurement_invariance": "reliability",
    "null_variance": "aggregation",
    "process": "io",
    "read_finance": "io",
    "read_hr": "io",
    "read_processed": "io",
    "read_survey": "io",
    "read_units": "io",
    "reliability_by": "reliability",
    "score_scales": "scoring",
    "register_qwl_scorer": "scoring",
    "qwl_scorers": "scoring",
    "qwl_index": "scoring",
    "qwl_band": "scoring",
    "rwg": "aggregation",
    "rwg_j": "aggregation",
    "sickness_absence_rate": "costs",
    "structural_time_share": "costs",
    "suppress": "privacy",
    "suppress_comments": "privacy",
    "suppress_crosstab": "privacy",
    "turnover_cost": "costs",
    "org_waves": "tables",
    "unit_waves": "tables",
    "validate": "io",
    "write_dataset": "io",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"hrproductivity.{name}")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"hrproductivity.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hrproductivity' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = _version("hrproductivity")

__all__ = [
    "HCPF",
    "ArgumentError",
    "CFAResults",
    "DataValidationError",
    "Dataset",
    "HRProductivityError",
    "HRProductivityWarning",
    "Instrument",
    "InstrumentError",
    "ModelWarning",
    "ModelFitError",
    "Problem",
    "QWLValue",
    "ReportError",
    "UnknownNameError",
    "ValidationReport",
    "__version__",
    "absence_cost",
    "absence_cost_per_day",
    "aggregate",
    "aggregate_hierarchy",
    "alpha_if_deleted",
    "capacity_lost",
    "cfa",
    "compare",
    "comments_allowed",
    "cronbach_alpha",
    "datasets",
    "did",
    "drivers",
    "icc1",
    "icc1_mixed",
    "icc2",
    "item_analysis",
    "load_dataset",
    "load_instrument",
    "mcdonald_omega",
    "mean_ci",
    "mean_difference_ci",
    "measurement_invariance",
    "mediation",
    "multilevel",
    "null_variance",
    "org_waves",
    "panel_effect",
    "process",
    "qwl_band",
    "qwl_index",
    "qwl_scorers",
    "read_finance",
    "read_hr",
    "read_processed",
    "read_survey",
    "read_units",
    "register_qwl_scorer",
    "reliability_by",
    "rwg",
    "rwg_j",
    "score_scales",
    "sickness_absence_rate",
    "structural_time_share",
    "suppress",
    "suppress_comments",
    "suppress_crosstab",
    "synthetic",
    "turnover_cost",
    "unit_waves",
    "validate",
    "write_dataset",
]
