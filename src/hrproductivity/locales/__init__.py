"""Report texts in Finnish and English, and number formats for each language.

Finnish: ``1 234,5 €`` and ``61,8 %`` (a no-break space groups thousands and
stands before the unit; a decimal comma). English: ``€1,234.5`` and ``61.8%``.
Texts live in ``fi.yaml`` and ``en.yaml`` beside this file, the library's only
store of texts shown to users; :func:`text` looks a key up and fills
``{placeholders}``. The report texts are the top-level keys (``section.qwl``);
other users of the texts have a namespace, a top-level mapping whose keys are
reached as ``namespace.key``: ``teaching`` (the teaching notebooks,
:func:`hrproductivity.teaching.text`), ``actions`` (the teaching game's
leadership actions) and ``index`` (the index page of a wave's reports).
:func:`namespace` gives one namespace's texts as they are written.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from hrproductivity.errors import UnknownNameError

__all__ = [
    "LANGUAGES",
    "fmt_eur",
    "fmt_int",
    "fmt_number",
    "fmt_pct",
    "namespace",
    "printed",
    "text",
]

#: The namespaces of the texts (top-level mappings of fi.yaml and en.yaml).
NAMESPACES = ("teaching", "actions", "index")

LANGUAGES = ("fi", "en")
NBSP = "\u00a0"
MISSING = "–"


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, list(LANGUAGES))


def fmt_number(value: float | None, *, lang: str = "fi", decimals: int = 1) -> str:
    """A number with the language's grouping and decimal mark; ``–`` for missing.

    Examples
    --------
    >>> fmt_number(1234.5, lang="fi")
    '1\\xa0234,5'
    >>> fmt_number(1234.5, lang="en")
    '1,234.5'
    """
    _check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    s = f"{_rounded(value, decimals):,.{decimals}f}"
    if lang == "fi":
        s = s.replace(",", NBSP).replace(".", ",").replace("-", "\u2212")
    return s


def _rounded(value: float, decimals: int) -> Decimal:
    # Round half away from zero as people do (1 234,5 € -> 1 235 €), not half to even.
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def printed(value: float | None, *, decimals: int, scale: float = 1) -> float | None:
    """The number a report prints, as a number: ``value`` rounded as :func:`fmt_number` does.

    ``scale`` is how the report shows it: 100 for a share printed as a
    percentage (:func:`fmt_pct`), so ``printed(0.61849, decimals=1, scale=100)``
    is 0.618. Missing values (None, NaN) give None.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    shown = float(_rounded(scale * float(value), decimals)) / scale
    return round(shown, decimals + len(str(int(scale))) - 1)


def fmt_int(value: float | None, *, lang: str = "fi") -> str:
    """A whole number with the language's grouping."""
    return fmt_number(value, lang=lang, decimals=0)


def fmt_eur(value: float | None, *, lang: str = "fi", decimals: int = 0) -> str:
    """Euros: ``1 234 €`` in Finnish, ``€1,234`` in English."""
    s = fmt_number(value, lang=lang, decimals=decimals)
    if s == MISSING:
        return s
    if lang == "fi":
        return f"{s}{NBSP}€"
    return f"−€{s[1:]}" if s.startswith("-") else f"€{s}"


def fmt_pct(share: float | None, *, lang: str = "fi", decimals: int = 1) -> str:
    """A share (0–1) as a percentage: ``61,8 %`` in Finnish, ``61.8%`` in English."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return MISSING
    s = fmt_number(100 * share, lang=lang, decimals=decimals)
    return f"{s}{NBSP}%" if lang == "fi" else f"{s}%"


@cache
def _texts(lang: str) -> dict[str, str]:
    raw = resources.files(__name__).joinpath(f"{lang}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw) or {}
    flat: dict[str, str] = {}
    for k, v in data.items():
        if isinstance(v, dict):  # a namespace: its keys become "namespace.key"
            flat.update({f"{k}.{key}": str(value) for key, value in v.items()})
        else:
            flat[str(k)] = str(v)
    return flat


def namespace(name: str, *, lang: str = "fi") -> dict[str, str]:
    """The texts of one namespace in ``lang``, keys without the prefix, placeholders unfilled.

    Examples
    --------
    >>> namespace("index", lang="en")["title"]
    'Reports – survey wave {wave}'
    >>> namespace("actions", lang="fi")["training.label"]
    'Koulutuspäivät'
    """
    _check_lang(lang)
    if name not in NAMESPACES:
        raise UnknownNameError("text namespace", name, list(NAMESPACES))
    prefix = f"{name}."
    return {k[len(prefix) :]: v for k, v in _texts(lang).items() if k.startswith(prefix)}


def text(key: str, *, lang: str = "fi", **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    _check_lang(lang)
    texts = _texts(lang)
    if key not in texts:
        raise UnknownNameError(f"text key ({lang})", key, list(texts))
    return texts[key].format(**values)
