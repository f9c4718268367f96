"""Models of well-being and productivity: panels, multilevel, mediation, drivers, DiD.

Every model wraps an established estimator (linearmodels ``PanelOLS``,
statsmodels ``MixedLM`` and ``OLS``) and returns a frozen results object with
``.summary()``, HTML display, ``.plot(ax=None)``, ``.in_euros(...)`` and
``.in_hours(...)``. :func:`compare` sets results side by side. Models can be
chosen by name through :data:`MODELS` / :func:`get_model`.

Example
-------
>>> from hrproductivity.models import available_models, get_model
>>> available_models()
['did', 'drivers', 'mediation', 'multilevel', 'panel']
>>> get_model("panel").__name__
'panel_effect'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hrproductivity._registry import Registry
from hrproductivity.models._results import (
    ArgumentError,
    ModelFitError,
    ModelResults,
    OutcomeValuation,
    compare,
)
from hrproductivity.models.did import DidResults, did
from hrproductivity.models.drivers import DriversResults, drivers, lmg
from hrproductivity.models.mediation import MediationResults, mediation
from hrproductivity.models.multilevel import MultilevelResults, multilevel
from hrproductivity.models.panel import PanelEffectResults, panel_effect

__all__ = [
    "MODELS",
    "DidResults",
    "DriversResults",
    "MediationResults",
    "ModelFitError",
    "ArgumentError",
    "ModelResults",
    "MultilevelResults",
    "OutcomeValuation",
    "PanelEffectResults",
    "available_models",
    "compare",
    "did",
    "drivers",
    "get_model",
    "lmg",
    "mediation",
    "multilevel",
    "panel_effect",
]

#: The models by registry name (a :class:`~hrproductivity._registry.Registry`:
#: ``MODELS.register(name, func)`` adds one). Each takes ``data`` first and
#: keyword-only options.
MODELS: Registry[Callable[..., Any]] = Registry(
    "model",
    {
        "panel": panel_effect,
        "multilevel": multilevel,
        "mediation": mediation,
        "drivers": drivers,
        "did": did,
    },
)


def available_models() -> list[str]:
    """Names of the registered models, sorted.

    Returns
    -------
    list of str
    """
    return MODELS.names()


def get_model(name: str) -> Callable[..., Any]:
    """The model function registered under ``name``.

    Parameters
    ----------
    name : str
        One of :func:`available_models`.

    Returns
    -------
    callable

    Raises
    ------
    UnknownNameError
        ``name`` is not registered; the message lists the names that are.

    Example
    -------
    >>> from hrproductivity.models import get_model
    >>> get_model("did").__name__
    'did'
    """
    return MODELS.get(name)
