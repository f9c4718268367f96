"""Instrument definitions as data: bundled YAML files and their loader.

An instrument names its items, its answer scale, its factors (subscales) and
any totals. The bundled ones are ``qwl15``, ``uwes9`` and ``who5``; a researcher
adds another with a YAML file of the same form and passes its path to
:func:`load_instrument`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hrproductivity._registry import Registry
from hrproductivity._yaml import load_yaml
from hrproductivity.errors import InstrumentError, UnknownNameError

__all__ = ["QWL_FACTORS", "Instrument", "Item", "Total", "bundled_instruments", "load_instrument"]

_TOTAL_METHODS = ("mean", "sum", "scale", "below")


@dataclass(frozen=True)
class Item:
    """One survey item: its column id, its factor, whether it is reverse-keyed, its texts."""

    id: str
    factor: str
    reverse: bool = False
    text: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Total:
    """A total score: ``mean``/``sum`` of items, or ``scale`` (× ``multiply``) or
    ``below`` (flag under ``threshold``) of another total named in ``of``."""

    name: str
    method: str
    items: tuple[str, ...] = ()
    of: str | None = None
    multiply: float = 1.0
    threshold: float | None = None
    min_answered: float | None = None


@dataclass(frozen=True)
class Instrument:
    """A validated instrument definition (see :func:`load_instrument`)."""

    name: str
    title: Mapping[str, str]
    scale_min: int
    scale_max: int
    favourable_min: float
    items: tuple[Item, ...]
    factors: Mapping[str, tuple[str, ...]]
    factor_labels: Mapping[str, Mapping[str, str]]
    scale_labels: Mapping[str, tuple[str, ...]]
    min_answered: float = 0.5
    totals: tuple[Total, ...] = ()
    illustrative_texts: bool = False
    source: str = ""

    @property
    def item_ids(self) -> list[str]:
        """Item column names in instrument order."""
        return [i.id for i in self.items]

    @property
    def reverse_items(self) -> list[str]:
        return [i.id for i in self.items if i.reverse]

    def item_text(self, item: str, lang: str = "fi") -> str:
        """The item's wording in ``lang``, or its id when the instrument bundles no text."""
        for i in self.items:
            if i.id == item:
                return i.text.get(lang, item)
        raise UnknownNameError("item", item, self.item_ids)


#: The bundled instruments: name -> YAML file beside this module
#: (a :class:`~hrproductivity._registry.Registry`).
_BUNDLED: Registry[str] = Registry(
    "instrument",
    {
        p.name.removesuffix(".yaml"): p.name
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".yaml")
    },
)


def bundled_instruments() -> list[str]:
    """Names of the instruments that ship with the package.

    Examples
    --------
    >>> bundled_instruments()
    ['qwl15', 'uwes9', 'who5']
    """
    return _BUNDLED.names()


def load_instrument(name_or_path: str | Path | Instrument) -> Instrument:
    """Load a bundled instrument by name, or a researcher's own from a YAML file.

    Parameters
    ----------
    name_or_path : str or Path or Instrument
        ``"qwl15"``, ``"uwes9"``, ``"who5"``, or the path of a YAML file of the
        same form. An :class:`Instrument` is returned as it is.

    Returns
    -------
    Instrument

    Raises
    ------
    UnknownNameError
        The name is neither bundled nor an existing file; the message lists the
        bundled names.
    InstrumentError
        The YAML is malformed; the message names the file and the key.

    Examples
    --------
    >>> from hrproductivity import load_instrument
    >>> qwl = load_instrument("qwl15")
    >>> qwl.factors["FE"]
    ('qwl_01', 'qwl_02', 'qwl_03', 'qwl_04', 'qwl_05')
    """
    if isinstance(name_or_path, Instrument):
        return name_or_path
    text: str
    where: str
    path = Path(name_or_path)
    if str(name_or_path) in _BUNDLED:
        where = _BUNDLED.get(str(name_or_path))
        text = resources.files(__name__).joinpath(where).read_text(encoding="utf-8")
    elif path.suffix in (".yaml", ".yml") and path.is_file():
        where = str(path)
        text = path.read_text(encoding="utf-8")
    else:
        raise UnknownNameError("instrument", str(name_or_path), _BUNDLED.names())
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{where}: not valid YAML: {exc}") from None
    return _parse(raw, where)


def _parse(raw: Any, where: str) -> Instrument:
    def fail(key: str, msg: str) -> InstrumentError:
        return InstrumentError(f"{where}: key '{key}' {msg}")

    if not isinstance(raw, dict):
        raise InstrumentError(f"{where}: the file must be a mapping with keys name, scale, factors")
    for key in ("name", "scale", "factors"):
        if key not in raw:
            raise fail(key, "is missing")
    unknown = set(raw) - {
        "name", "title", "scale", "factors", "items", "scoring", "illustrative_texts", "source",
    }  # fmt: skip
    if unknown:
        raise fail(sorted(unknown)[0], "is not a known key")
    name = raw["name"]
    if not isinstance(name, str) or not name:
        raise fail("name", "must be a non-empty string")

    scale = raw["scale"]
    if not isinstance(scale, dict):
        raise fail("scale", "must be a mapping with min and max")
    for k in ("min", "max"):
        if not isinstance(scale.get(k), int) or isinstance(scale.get(k), bool):
            raise fail(f"scale.{k}", "must be a whole number")
    lo, hi = scale["min"], scale["max"]
    if lo >= hi:
        raise fail("scale.max", f"must be greater than scale.min ({lo})")
    fav = scale.get("favourable_min", hi - (hi - lo) // 4)
    if not isinstance(fav, int | float) or not lo <= fav <= hi:
        raise fail("scale.favourable_min", f"must be a number within {lo}-{hi}")
    labels_raw = scale.get("labels", {}) or {}
    if not isinstance(labels_raw, dict):
        raise fail("scale.labels", "must map a language to a list of labels")
    scale_labels: dict[str, tuple[str, ...]] = {}
    for lang, labels in labels_raw.items():
        if not isinstance(labels, list) or len(labels) != hi - lo + 1:
            raise fail(f"scale.labels.{lang}", f"must list {hi - lo + 1} labels, one per answer")
        scale_labels[lang] = tuple(str(x) for x in labels)

    items_raw = raw.get("items") or {}
    if not isinstance(items_raw, dict):
        raise fail("items", "must map item ids to their texts")
    factors_raw = raw["factors"]
    if not isinstance(factors_raw, dict) or not factors_raw:
        raise fail("factors", "must map each factor name to its items")
    factors: dict[str, tuple[str, ...]] = {}
    factor_labels: dict[str, dict[str, str]] = {}
    item_factor: dict[str, str] = {}
    for fname, spec in factors_raw.items():
        if (
            not isinstance(spec, dict)
            or not isinstance(spec.get("items"), list)
            or not spec["items"]
        ):
            raise fail(f"factors.{fname}.items", "must be a non-empty list of item ids")
        for it in spec["items"]:
            if not isinstance(it, str):
                raise fail(f"factors.{fname}.items", f"has {it!r}, which is not an item id")
            if it in item_factor:
                raise fail(
                    f"factors.{fname}.items", f"repeats '{it}', already in {item_factor[it]}"
                )
            if items_raw and it not in items_raw:
                raise fail(f"factors.{fname}.items", f"names '{it}', which is not under 'items'")
            item_factor[it] = str(fname)
        factors[str(fname)] = tuple(spec["items"])
        label = spec.get("label", {}) or {}
        if not isinstance(label, dict):
            raise fail(f"factors.{fname}.label", "must map a language to a text")
        factor_labels[str(fname)] = {str(k): str(v) for k, v in label.items()}
    for it in items_raw:
        if it not in item_factor:
            raise fail(f"items.{it}", "belongs to no factor")

    items = []
    # Instrument order is the order under 'items' when given, else the factors' order.
    for it in items_raw or item_factor:
        fname = item_factor[it]
        spec = items_raw.get(it) or {}
        if not isinstance(spec, dict):
            raise fail(f"items.{it}", "must be a mapping of language to text (and reverse)")
        reverse = spec.get("reverse", False)
        if not isinstance(reverse, bool):
            raise fail(f"items.{it}.reverse", "must be true or false")
        text = {str(k): v for k, v in spec.items() if k != "reverse"}
        for lang, wording in text.items():
            if not isinstance(wording, str) or not re.fullmatch(r"[a-z]{2,3}", lang):
                raise fail(
                    f"items.{it}.{lang}",
                    "must be a language code (fi, en, sv …) with the item's text; "
                    "quote texts that contain a comma or a colon",
                )
        items.append(Item(id=it, factor=fname, reverse=reverse, text=text))

    scoring = raw.get("scoring", {}) or {}
    if not isinstance(scoring, dict):
        raise fail("scoring", "must be a mapping")
    min_answered = scoring.get("min_answered", 0.5)
    if not isinstance(min_answered, int | float) or not 0 < min_answered <= 1:
        raise fail("scoring.min_answered", "must be a share in (0, 1]")
    totals: list[Total] = []
    for n, spec in enumerate(scoring.get("totals", []) or []):
        key = f"scoring.totals[{n}]"
        if not isinstance(spec, dict) or "name" not in spec or "method" not in spec:
            raise fail(key, "must be a mapping with name and method")
        if spec["method"] not in _TOTAL_METHODS:
            raise fail(f"{key}.method", f"must be one of {', '.join(_TOTAL_METHODS)}")
        sel = spec.get("items", "all")
        t_items = tuple(item_factor) if sel == "all" else tuple(sel or ())
        if spec["method"] in ("mean", "sum"):
            bad = [i for i in t_items if i not in item_factor]
            if bad:
                raise fail(f"{key}.items", f"names '{bad[0]}', which is not an item")
        elif spec.get("of") not in {t.name for t in totals}:
            raise fail(f"{key}.of", "must name a total defined before it")
        totals.append(
            Total(
                name=str(spec["name"]),
                method=str(spec["method"]),
                items=t_items if spec["method"] in ("mean", "sum") else (),
                of=spec.get("of"),
                multiply=float(spec.get("multiply", 1.0)),
                threshold=spec.get("threshold"),
                min_answered=spec.get("min_answered"),
            )
        )
    title = raw.get("title", {}) or {}
    return Instrument(
        name=name,
        title={str(k): str(v) for k, v in title.items()} if isinstance(title, dict) else {},
        scale_min=lo,
        scale_max=hi,
        favourable_min=float(fav),
        items=tuple(items),
        factors=factors,
        factor_labels=factor_labels,
        scale_labels=scale_labels,
        min_answered=float(min_answered),
        totals=tuple(totals),
        illustrative_texts=bool(raw.get("illustrative_texts", False)),
        source=str(raw.get("source", "")),
    )


#: The factors of the QWL index (FE, YI, PL), in the order the bundled ``qwl15``
#: definition declares them (docs/qwl-index.md). Code with an instrument at hand reads
#: ``instrument.factors``; this is for code that has none (the index formula, teaching).
QWL_FACTORS: tuple[str, ...] = tuple(load_instrument("qwl15").factors)
