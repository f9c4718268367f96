"""Tests of the model registry and ``compare``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hrproductivity.errors import HRProductivityError, UnknownNameError
from hrproductivity.models import (
    MODELS,
    ArgumentError,
    available_models,
    compare,
    did,
    drivers,
    get_model,
    mediation,
    multilevel,
    panel_effect,
)


def test_registry_names_and_lookup() -> None:
    assert available_models() == ["did", "drivers", "mediation", "multilevel", "panel"]
    assert get_model("panel") is panel_effect
    assert get_model("multilevel") is multilevel
    assert get_model("mediation") is mediation
    assert get_model("drivers") is drivers
    assert get_model("did") is did
    assert set(MODELS) == set(available_models())


def test_unknown_model_lists_the_names() -> None:
    with pytest.raises(UnknownNameError) as info:
        get_model("sem")
    message = str(info.value)
    assert "unknown model 'sem'" in message
    for name in available_models():
        assert name in message
    assert isinstance(info.value, HRProductivityError)


def _panel(rng: np.random.Generator) -> pd.DataFrame:
    unit = np.repeat(np.arange(60), 4)
    wave = np.tile(np.arange(4), 60)
    qwl = rng.normal(60, 5, unit.size)
    return pd.DataFrame(
        {
            "unit": unit,
            "wave": wave,
            "qwl": qwl,
            "overtime": rng.normal(size=unit.size),
            "sick_days": 20 - 0.2 * qwl + rng.normal(0, 1, 60)[unit] + rng.normal(size=unit.size),
        }
    )


def test_compare_side_by_side(rng: np.random.Generator) -> None:
    data = _panel(rng)
    a = panel_effect(data, outcome="sick_days", exposure="qwl", entity="unit", time="wave")
    b = panel_effect(
        data, outcome="sick_days", exposure="qwl", entity="unit", time="wave",
        controls=["overtime"], lags=1,
    )  # fmt: skip
    table = compare({"FE": a, "FE + lag": b})
    assert list(table.columns) == ["FE", "FE + lag"]
    row = a.summary().set_index("term").loc["qwl"]
    assert table.loc["qwl", "FE"] == f"{row['estimate']:.3f} ({row['se']:.3f})"
    assert table.loc["overtime", "FE"] == ""
    assert table.loc["n", "FE"] == str(a.n) and table.loc["n", "FE + lag"] == str(b.n)
    assert table.loc["r2", "FE"] == f"{a.fit['r2']:.3f}"
    unnamed = compare([a, b], digits=2)
    assert list(unnamed.columns) == ["panel (1)", "panel (2)"]
    with pytest.raises(ArgumentError, match="names"):
        compare([a, b], names=["only one"])
    with pytest.raises(ArgumentError, match="results"):
        compare([a, "not a result"])  # type: ignore[list-item]
