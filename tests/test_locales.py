"""Report texts and number formats (hrproductivity.locales).

The expected strings are written out by hand from the Finnish conventions the
reports follow (Kielitoimiston ohjepankki: a space groups thousands, a decimal
comma, a space before % and €; the minus sign U+2212) and the English ones
(comma grouping, decimal point, € before the amount, % without a space).
"""

from __future__ import annotations

import re
import string
from importlib import resources

import pytest
import yaml

from hrproductivity.errors import UnknownNameError
from hrproductivity.locales import LANGUAGES, fmt_eur, fmt_int, fmt_number, fmt_pct, text

NBSP = "\u00a0"


def _texts(lang: str) -> dict[str, str]:
    raw = resources.files("hrproductivity.locales").joinpath(f"{lang}.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    assert isinstance(data, dict)
    flat = {}
    for k, v in data.items():  # a namespace (teaching, actions, index) is a mapping
        items = v.items() if isinstance(v, dict) else [(None, v)]
        flat.update({str(k) if sub is None else f"{k}.{sub}": str(t) for sub, t in items})
    return flat


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234.5, {}, f"1{NBSP}234,5"),
        (1234.5, {"lang": "en"}, "1,234.5"),
        (1234567.891, {"decimals": 2}, f"1{NBSP}234{NBSP}567,89"),
        (-3.5, {}, "\u22123,5"),
        (-3.5, {"lang": "en"}, "-3.5"),
        (0.0, {"decimals": 0}, "0"),
        (None, {}, "–"),
        (float("nan"), {"lang": "en"}, "–"),
    ],
)
def test_fmt_number(value: float | None, kwargs: dict[str, object], expected: str) -> None:
    assert fmt_number(value, **kwargs) == expected  # type: ignore[arg-type]


def test_fmt_int_groups_thousands() -> None:
    assert fmt_int(1234567) == f"1{NBSP}234{NBSP}567"
    assert fmt_int(1234567, lang="en") == "1,234,567"
    assert fmt_int(999) == "999"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234.0, {}, f"1{NBSP}234{NBSP}€"),
        (1234.5, {"decimals": 1}, f"1{NBSP}234,5{NBSP}€"),
        (1234.0, {"lang": "en"}, "€1,234"),
        (-1234.0, {"lang": "en"}, "−€1,234"),
        (-1234.0, {}, f"\u22121{NBSP}234{NBSP}€"),
        (612000.0, {}, f"612{NBSP}000{NBSP}€"),
        (None, {}, "–"),
    ],
)
def test_fmt_eur(value: float | None, kwargs: dict[str, object], expected: str) -> None:
    assert fmt_eur(value, **kwargs) == expected  # type: ignore[arg-type]


def test_fmt_eur_rounds_half_up() -> None:
    """Half away from zero, as a person rounds by hand (Python's format rounds half to even)."""
    assert fmt_eur(1234.5, lang="fi") == f"1{NBSP}235{NBSP}€"
    assert fmt_eur(1234.5, lang="en") == "€1,235"
    assert fmt_pct(0.6185, decimals=1) == f"61,9{NBSP}%"
    assert fmt_number(2.25, decimals=1) == "2,3"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (0.618, {}, f"61,8{NBSP}%"),
        (0.618, {"lang": "en"}, "61.8%"),
        (0.77, {"decimals": 0}, f"77{NBSP}%"),
        (1.0, {}, f"100,0{NBSP}%"),
        (0.0004, {"decimals": 2}, f"0,04{NBSP}%"),
        (None, {}, "–"),
    ],
)
def test_fmt_pct(value: float | None, kwargs: dict[str, object], expected: str) -> None:
    assert fmt_pct(value, **kwargs) == expected  # type: ignore[arg-type]


def test_unknown_language_lists_the_languages() -> None:
    with pytest.raises(UnknownNameError, match="fi"):
        fmt_number(1.0, lang="sv")
    with pytest.raises(UnknownNameError):
        text("section.qwl", lang="sv")


# --------------------------------------------------------------------------- texts


def test_every_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    fi, en = _texts("fi"), _texts("en")
    assert set(fi) == set(en), {
        "only in fi": sorted(set(fi) - set(en)),
        "only in en": sorted(set(en) - set(fi)),
    }
    different = {k: (_placeholders(fi[k]), _placeholders(en[k])) for k in fi}
    different = {k: v for k, v in different.items() if v[0] != v[1]}
    assert not different


def test_texts_are_filled_and_not_empty() -> None:
    for lang in LANGUAGES:
        for key, template in _texts(lang).items():
            assert template.strip(), (lang, key)
            values = dict.fromkeys(_placeholders(template), "X")
            filled = text(key, lang=lang, **values)
            assert "{" not in filled and "}" not in filled, (lang, key)


def test_unknown_key_names_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="section.qwl"):
        text("section.qwll", lang="fi")


def test_finnish_texts_use_finnish_number_formats_and_terms() -> None:
    fi = _texts("fi")
    joined = "\n".join(fi.values())
    # no decimal point between digits, no percent sign glued to a number
    assert not re.search(r"\d\.\d", joined), re.findall(r".{20}\d\.\d.{20}", joined)
    assert not re.search(r"\d%", joined)
    # the vocabulary of a Finnish HR professional
    for term in ("Työelämän laatu", "vastaajaa", "Vastausprosentti", "htv", "Sairauspoissa"):
        assert term in joined, term
    assert "henkilötyövuo" in joined.lower()


def test_english_texts_use_english_number_formats() -> None:
    en = _texts("en")
    joined = "\n".join(en.values())
    assert not re.search(r"\d,\d\d?\b(?!\d)", joined), re.findall(r".{20}\d,\d.{10}", joined)
    assert not re.search(r"\d %", joined)


def test_both_languages_state_what_the_library_models_itself() -> None:
    for lang in LANGUAGES:
        texts = _texts(lang)
        # kesti_approx is named as an approximation calibrated to published points
        assert "kesti_approx" in texts["qwl.index_note"]
        assert "61" in texts["qwl.index_note"]
        # the public-sector valuation is the library's own model, not Kesti's
        assert "hrproductivity" in texts["valuation.public_model"]
        assert "Kesti" in texts["valuation.public_model"]


def test_namespaces_hold_the_teaching_action_and_index_texts() -> None:
    """The teaching notebooks, the game's actions and the report index read the one store."""
    from importlib import resources as res

    from hrproductivity.locales import NAMESPACES, namespace
    from hrproductivity.teaching import ACTIONS
    from hrproductivity.teaching import text as teaching_text

    assert NAMESPACES == ("teaching", "actions", "index")
    for name in NAMESPACES:
        fi, en = namespace(name, lang="fi"), namespace(name, lang="en")
        assert fi and set(fi) == set(en), name
    assert teaching_text("label.effective", lang="fi") == "Tehollinen työaika"
    assert ACTIONS["training"].name("en") == "Training days"
    assert namespace("index", lang="fi")["failed"] == "epäonnistui"
    assert not res.files("hrproductivity.teaching").joinpath("texts.yaml").is_file()
    with pytest.raises(UnknownNameError, match="teaching"):
        namespace("report", lang="fi")
