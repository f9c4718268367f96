"""The package's set-up: the same pins in pyproject.toml and environment.yml, data shipped."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

import hrproductivity

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return dict(_split(s) for s in specs)


def _split(spec: str) -> tuple[str, str]:
    name, _, pin = spec.partition("==")
    if not pin or re.search(r"[<>~!,;\[]", spec):
        raise AssertionError(f"not an exact pin: {spec!r}")
    return name.strip().lower(), pin.strip()


def test_environment_yml_has_the_same_pins_as_pyproject() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = dict(_split(s) for s in pip_section if not s.startswith("-e"))
    assert env_pins == _pyproject_pins()
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python.split("=")[-1] in requires


def test_installed_versions_match_the_pins() -> None:
    from importlib.metadata import version

    for name, pin in _pyproject_pins().items():
        assert version(name) == pin, name


def test_bundled_instruments_ship_with_the_package() -> None:
    from hrproductivity.instruments import bundled_instruments

    assert {"qwl15", "uwes9", "who5"} <= set(bundled_instruments())
    assert (Path(hrproductivity.__file__).parent / "py.typed").is_file()


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make \w+$", quick, flags=re.M)
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.findall(r"^\s*make \w+", ci, flags=re.M) == ["make test"]


def test_every_public_name_resolves() -> None:
    """The lazy re-exports name real objects; ``from hrproductivity import *`` works."""
    for name in hrproductivity.__all__:
        assert getattr(hrproductivity, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from hrproductivity import *", namespace)
    assert set(hrproductivity.__all__) <= set(namespace)
