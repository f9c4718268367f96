"""The library's four registries share one shape (``hrproductivity._registry.Registry``)."""

from __future__ import annotations

import pytest

from hrproductivity import instruments, models, scoring
from hrproductivity._registry import Registry
from hrproductivity.errors import ArgumentError, UnknownNameError
from hrproductivity.reports import executors

# Each registry, with its public "names" door and a name the library ships with.
REGISTRIES = {
    "QWL scorer": (lambda: scoring._QWL_SCORERS, scoring.qwl_scorers, "kesti_approx"),
    "model": (lambda: models.MODELS, models.available_models, "did"),
    "executor": (lambda: executors._EXECUTORS, executors.registered_executors, "local"),
    "instrument": (lambda: instruments._BUNDLED, instruments.bundled_instruments, "qwl15"),
}


@pytest.mark.parametrize("kind", list(REGISTRIES))
def test_one_shape(kind: str) -> None:
    registry, names, shipped = REGISTRIES[kind]
    reg = registry()
    assert isinstance(reg, Registry)
    assert reg.kind == kind
    assert names() == reg.names() == sorted(reg.names())
    assert shipped in reg and shipped in names()
    with pytest.raises(
        UnknownNameError, match=f"unknown {kind} 'nope'; choose one of: .*{shipped}"
    ):
        reg.get("nope")
    # a copy takes a new name without touching the library's registry
    other = reg.copy()
    other.register("extra", reg.get(shipped))
    assert "extra" in other and "extra" not in reg
    with pytest.raises(ArgumentError, match="already registered; pass overwrite=True"):
        other.register(shipped, reg.get(shipped))
    other.register(shipped, reg.get(shipped), overwrite=True)
    other.unregister("extra")
    assert other.names() == reg.names()


def test_register_executor_needs_overwrite_for_a_taken_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(executors, "_EXECUTORS", executors._EXECUTORS.copy())
    local = executors.get_executor("local")
    with pytest.raises(ArgumentError, match="'local' is already registered"):
        executors.register_executor("local", local)
    executors.register_executor("mine", local)
    assert executors.registered_executors() == ["dask", "local", "mine"]


def test_empty_name_is_refused() -> None:
    with pytest.raises(ArgumentError, match="non-empty string"):
        Registry[int]("number").register("", 1)
