"""The report view as the privacy chokepoint, and the frames on a cache built by hand.

The cache here is written by hand (:func:`hand_cache`), not prepared from a
dataset, so these tests run in milliseconds and every expected value is
worked out below from the rows written.

One organisation "Org" in wave 2024 (previous wave 2023), units:

====================  ====  =======  =========  =========  ==========
unit                  n     invited  status     qwl_index  rank
====================  ====  =======  =========  =========  ==========
Iso                   20    25       shown      0.62       1 (of 1)
Keski                 8     10       rank_only  (0.437)    none
Salainen              3     4        hidden     (0.991)    none
Pieni                 2     6        hidden     (0.113)    none
====================  ====  =======  =========  =========  ==========

The figures in brackets are written into the cache on purpose, as a broken
cache would hold them: a group that is not shown must not show them even so.
By hand: the hidden units together are 3 + 2 = 5 respondents of 4 + 6 = 10
invited, a response rate of 5 / 10 = 50 %; the organisation's index 0.60 with
the interval (0.55, 0.65) and the 2023 index 0.58 are as written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hrproductivity.errors import ReportError
from hrproductivity.locales import text
from hrproductivity.reports import content as C
from hrproductivity.reports.prepare import CACHE_VERSION, TABLES, PrepareSettings
from hrproductivity.reports.view import View, open_view

HIDDEN = ("Salainen", "Pieni")
LEAKED = (0.991, 0.113, 0.437)  # figures of groups not shown, written into the cache by mistake


def _group(level: str, unit: str | None, wave: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "org": None if level == "total" else "Org",
        "unit": unit,
        "wave": wave,
        "level": level,
        "status": "shown",
        "rank": 1,
        "siblings": 1,
        "complementary": False,
    }
    return row | values


def _groups() -> pd.DataFrame:
    rows = []
    for wave, org_q in (("2023", 0.58), ("2024", 0.60)):
        rows += [
            _group("total", None, wave, n=500, qwl_n=500, invited=800, qwl_index=0.57),
            _group("org", None, wave, n=33, qwl_n=33, invited=45, qwl_index=org_q),
            _group("unit", "Iso", wave, n=20, qwl_n=20, invited=25, qwl_index=0.62),
        ]
        rows += [
            _group("unit", "Keski", wave, n=8, qwl_n=8, invited=10, qwl_index=0.437),
            _group("unit", "Salainen", wave, n=3, qwl_n=3, invited=4, qwl_index=0.991),
            _group("unit", "Pieni", wave, n=2, qwl_n=2, invited=6, qwl_index=0.113),
        ]
    g = pd.DataFrame(rows)
    g.loc[g["unit"] == "Keski", ["status", "rank"]] = ["rank_only", None]
    g.loc[g["unit"].isin(HIDDEN), ["status", "rank"]] = ["hidden", None]
    g["rank"] = g["rank"].astype("Int64")
    g["siblings"] = g["siblings"].where(g["status"] == "shown", 1)
    g["response_rate"] = g["n"] / g["invited"]
    g["qwl_index_se"] = 0.025
    g["qwl_index_ci_low"] = g["qwl_index"] - 0.05
    g["qwl_index_ci_high"] = g["qwl_index"] + 0.05
    for factor, shift in (("FE", 0.05), ("YI", 0.0), ("PL", -0.05)):
        g[f"{factor}_share_mean"] = g["qwl_index"] + shift
        g[f"{factor}_pct_favourable"] = 100 * (g["qwl_index"] + shift)
    for col in ("org", "unit", "level", "wave", "status"):
        g[col] = g[col].astype("object")
    return g


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@pytest.fixture
def hand_cache(tmp_path: Path) -> Path:
    """A complete report cache folder written by hand (see the module docstring)."""
    comments = pd.DataFrame(
        {
            "org": ["Org", "Org"],
            "unit": [None, None],
            "wave": ["2024", "2024"],
            "level": ["org", "org"],
            "question": ["comment_open", "comment_open"],
            "comment": ["Hyvä työpaikka.", "Salaisessa on huono henki."],
        }
    ).astype("object")
    tables = {
        "groups": _groups(),
        "items": _empty(["org", "unit", "wave", "level", "item", "factor", "mean", "status"]),
        "change": pd.DataFrame(
            [["Org", None, "org", "2024", "2023", 0.60, 0.58, 0.02, 0.01, -0.01, 0.05]],
            columns=[
                "org",
                "unit",
                "level",
                "wave",
                "previous_wave",
                "qwl_index",
                "qwl_previous",
                "difference",
                "se",
                "ci_low",
                "ci_high",
            ],
        ).astype({"unit": "object"}),
        "reliability": _empty(["org", "wave", "factor", "statistic", "estimate"]),
        "money": _empty(["org", "unit", "level", "wave"]),
        "valuations": _empty(["org", "unit", "level", "wave", "kind", "valuation"]),
        "drivers": _empty(["org", "wave", "outcome", "term", "share"]),
        "associations": _empty(["variable", "kind", "r"]),
        "comments": comments,
    }
    assert set(tables) == set(TABLES)
    for name, frame in tables.items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    meta = {
        "cache_version": CACHE_VERSION,
        "created": "2026-01-02T00:00:00+00:00",
        "dataset": "hand",
        "inputs": {},
        "instruments": ["qwl15"],
        "qwl_instrument": "qwl15",
        "waves": ["2023", "2024"],
        "orgs": ["Org"],
        "settings": PrepareSettings().as_dict(),
        "versions": {},
    }
    (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------- the chokepoint


def _strings_and_numbers(value: Any) -> tuple[set[str], set[float]]:
    """Every string and every number in a value the view gave out (frames, rows, dicts)."""
    strings: set[str] = set()
    numbers: set[float] = set()
    if isinstance(value, pd.DataFrame):
        for col in value.columns:
            s, n = _strings_and_numbers(value[col].tolist())
            strings |= s | {str(col)}
            numbers |= n
    elif isinstance(value, pd.Series):
        s, n = _strings_and_numbers(value.tolist())
        strings |= s | {str(i) for i in value.index}
        numbers |= n
    elif isinstance(value, dict):
        for k, x in value.items():
            s, n = _strings_and_numbers(x)
            strings |= s | {str(k)}
            numbers |= n
    elif isinstance(value, list | tuple | set | frozenset):
        for x in value:
            s, n = _strings_and_numbers(x)
            strings |= s
            numbers |= n
    elif isinstance(value, str):
        strings.add(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isnan(value):
            numbers.add(round(float(value), 6))
    return strings, numbers


#: Every public member of View, and how a frame would ask it for everything it has.
_ASK = {
    "org": lambda v: v.org,
    "wave": lambda v: v.wave,
    "lang": lambda v: v.lang,
    "unit": lambda v: v.unit,
    "show_comments": lambda v: v.show_comments,
    "level": lambda v: v.level,
    "waves": lambda v: v.waves,
    "previous_wave": lambda v: v.previous_wave,
    "settings": lambda v: dict(v.settings),
    "min_n": lambda v: v.min_n,
    "rank_only_below": lambda v: v.rank_only_below,
    "min_n_comments": lambda v: v.min_n_comments,
    "instrument": lambda v: v.instrument.name,
    "provenance": lambda v: v.provenance,
    "row": lambda v: [v.row(lv, wave=w) for lv in ("total", "org") for w in v.waves],
    "units": lambda v: [v.units(wave=w) for w in v.waves],
    "change": lambda v: v.change(),
    "items": lambda v: [v.items(lv) for lv in ("total", "org")],
    "money": lambda v: v.money(),
    "valuations": lambda v: v.valuations(),
    "drivers": lambda v: v.drivers(),
    "associations": lambda v: v.associations(),
    "reliability": lambda v: v.reliability(),
    "comments": lambda v: v.comments(),
}


def test_a_frame_cannot_obtain_a_hidden_unit_from_the_view(hand_cache: Path) -> None:
    """A frame written to name the hidden units (or print their figures) asks the view for
    everything it has; none of it names Salainen or Pieni or carries 0.991, 0.113 or the
    rank-only 0.437 (the figures written into the cache by mistake)."""
    v = open_view(hand_cache, org="Org", wave="2024", lang="fi", show_comments=True)
    public = {name for name in dir(View) if not name.startswith("_")}
    assert public == set(_ASK), "a new View member must be audited here"

    def leaky_frame(v: View) -> pd.DataFrame:
        rows = [
            {"label": str(r.unit), "qwl": r.qwl_index} for r in v.units().itertuples(index=False)
        ]
        return pd.DataFrame(rows)

    leak = leaky_frame(v)
    assert not set(leak["label"]) & set(HIDDEN)
    assert not {round(x, 6) for x in leak["qwl"].dropna()} & set(LEAKED)
    for name, ask in _ASK.items():
        strings, numbers = _strings_and_numbers(ask(v))
        named = {s for s in strings for h in HIDDEN if h in s}
        assert not named, name
        assert not numbers & set(LEAKED), name
    # the comment naming Salainen (inflected) is left out by the view
    assert v.comments()["comment"].tolist() == ["Hyvä työpaikka."]
    # another unit's row is not to be had from an organisation's view
    with pytest.raises(ReportError):
        v.row("unit")


def test_the_view_folds_the_hidden_units_into_one_row(hand_cache: Path) -> None:
    """By hand: 3 + 2 = 5 respondents, 4 + 6 = 10 invited, 5 / 10 = 50 %, count 2."""
    v = open_view(hand_cache, org="Org", wave="2024")
    units = v.units()
    assert units["kind"].tolist() == ["unit", "unit", "hidden_units"]
    folded = units.iloc[-1]
    assert (folded["count"], folded["n"], folded["invited"]) == (2, 5, 10.0)
    assert folded["response_rate"] == pytest.approx(0.5)
    assert pd.isna(folded["unit"]) and pd.isna(folded["qwl_index"])
    keski = units[units["unit"] == "Keski"].iloc[0]
    assert keski["status"] == "rank_only" and pd.isna(keski["qwl_index"]) and keski["n"] == 8


def test_frames_select_what_the_cache_holds(hand_cache: Path) -> None:
    """Participation, units, trend and key numbers from the hand-written rows."""
    v = open_view(hand_cache, org="Org", wave="2024", lang="fi")
    part = C.participation_frame(v)
    hidden_label = text("participation.hidden_group", lang="fi", count=2)
    assert part["label"].tolist() == ["Iso", "Keski", hidden_label, text("participation.total")]
    assert part["n"].tolist() == [20, 8, 5, 33]
    units = C.units_frame(v)
    assert units["label"].tolist() == ["Iso", "Keski", text("units.hidden_group", count=2)]
    assert units["qwl_index"].iloc[0] == pytest.approx(0.62)
    trend = C.trend_frame(v)
    org = trend[trend["kind"] == "org"].set_index("wave")
    assert org.loc["2024", ["value", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [0.60, 0.55, 0.65]
    )
    assert org.loc["2023", "value"] == pytest.approx(0.58)
    k = C.key_numbers(v)
    assert (k["qwl_index"], k["qwl_index_ci"]) == (0.6, [0.55, 0.65])
    assert (k["change"], k["change_ci"]) == (0.02, [-0.01, 0.05])
    assert (k["respondents"], k["invited"], k["response_rate"]) == (33, 45, 0.73)
    assert (k["units_shown"], k["units_rank_only"], k["hidden_units"]) == (1, 1, 2)
    assert k["units_named"] == ["Iso", "Keski"] and k["unit_qwl_index"] == {"Iso": 0.62}


def test_every_rendered_section_passes_the_guard(hand_cache: Path) -> None:
    """The sections render from the hand cache without a hidden name; the guard they pass
    refuses a fragment that names one."""
    v = open_view(hand_cache, org="Org", wave="2024", lang="en", show_comments=True)
    page = "".join(
        section(v)
        for section in (
            C.header_section,
            C.participation_section,
            C.units_section,
            C.comments_section,
        )
    )
    assert "Iso" in page and not any(h in page for h in HIDDEN)
    with pytest.raises(ReportError):
        C.check_text("<td>Salainen</td>", v)


def test_only_the_view_reads_the_cache_and_only_the_guard_the_hidden_names() -> None:
    """The layers above the view reach the cache through its public methods alone: no
    module of the report layer but the view touches ``View._cache``, and none but the
    guard asks ``View._names`` (the hidden names)."""
    import hrproductivity.reports as reports

    folder = Path(reports.__file__).parent
    for name in ("content", "frames", "figures", "html", "formatting", "guard"):
        source = (folder / f"{name}.py").read_text(encoding="utf-8")
        assert "._cache" not in source, name
        assert ("._names(" in source) == (name == "guard"), name
