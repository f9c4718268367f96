"""The attacker suite of issue 10 (anonymity): answers, protectors, placements, names.

The attacker (``hrproductivity.privacy``, "The attacker model"; docs/privacy.md)
knows every group's answer count, every published figure and placement, the
relations between totals and the scale of the index (0-1). :mod:`attacker`
turns that into a linear programme; a hidden group of fewer than five people
must not be bounded more tightly with the placements than without them, and
must not be determined at all.

Every expected value comes from the raw answers of a crafted dataset cut from
the bundled example (:mod:`crafted`): which units answered what is set by hand
in :func:`_change`, so the statuses follow from the rules by counting.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import pandas as pd
import pytest
from attacker import Published, bounds, placements
from crafted import Tables, crafted
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hrproductivity import load_dataset
from hrproductivity.errors import ReportError
from hrproductivity.locales import text
from hrproductivity.privacy import mentions, suppress
from hrproductivity.reports import content as C
from hrproductivity.reports.guard import _hidden_names
from hrproductivity.reports.prepare import PrepareSettings, prepare_cache

MIN_N = 5
SHOW = 10

# --------------------------------------------------------------------------- properties


@st.composite
def org_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, bool]:
    """Organisations with units of 0-25 answers and index means on the 0-1 scale."""
    rows = []
    for o in range(draw(st.integers(1, 3))):
        for u in range(draw(st.integers(1, 6))):
            n = draw(st.integers(0, 25))
            mean = draw(st.floats(0.0, 1.0, allow_nan=False))
            rows.append({"org": f"o{o}", "unit": f"u{u}", "n": n, "qwl_index": mean})
    units = pd.DataFrame(rows)
    units["t"] = units["n"] * units["qwl_index"]
    orgs = units.groupby("org", as_index=False)[["n", "t"]].sum()
    orgs["qwl_index"] = orgs["t"] / orgs["n"].where(orgs["n"] > 0)
    orgs["unit"] = None
    table = pd.concat([orgs, units], ignore_index=True)[["org", "unit", "n", "qwl_index", "t"]]
    return table, draw(st.booleans())


def _rank(value: Any) -> float:
    return math.nan if pd.isna(value) else float(value)


def _published(out: pd.DataFrame, table: pd.DataFrame, parent_published: bool) -> Published:
    """The attacker's view of a suppressed org/unit table; the grand total is the last cell."""
    n = table["n"].astype(float).tolist()
    mean = out["qwl_index"].astype(float).tolist()
    grand_n = float(table.loc[table["unit"].isna(), "n"].sum())
    grand_t = float(table.loc[table["unit"].isna(), "t"].sum())
    known = parent_published and grand_n >= SHOW
    pub = Published([*n, grand_n], [*mean, grand_t / grand_n if known else math.nan])
    org_cells = [i for i in range(len(table)) if pd.isna(table["unit"].iloc[i])]
    pub.relations.append((len(table), org_cells))
    for cell in org_cells:
        org = table["org"].iloc[cell]
        units = [i for i in range(len(table)) if table["org"].iloc[i] == org and i != cell]
        pub.relations.append((cell, units))
        pub.above += placements([(i, _rank(out["rank"].iloc[i])) for i in units])
    pub.above += placements([(i, _rank(out["rank"].iloc[i])) for i in org_cells])
    return pub


def _case(units: list[tuple[str, str, int, float]], parent_published: bool) -> Any:
    frame = pd.DataFrame(units, columns=["org", "unit", "n", "qwl_index"])
    frame["t"] = frame["n"] * frame["qwl_index"]
    orgs = frame.groupby("org", as_index=False)[["n", "t"]].sum()
    orgs["qwl_index"] = orgs["t"] / orgs["n"]
    orgs["unit"] = None
    table = pd.concat([orgs, frame], ignore_index=True)
    return table[["org", "unit", "n", "qwl_index", "t"]], parent_published


# A rank-only organisation (7) with a hidden unit (2) placed last among organisations:
# its placement caps its total, and so the hidden unit's (first found by hand).
RANK_ONLY_PARENT = _case(
    [
        ("a", "u1", 5, 0.1),
        ("a", "u2", 2, 0.1),
        ("b", "v1", 12, 0.1),
        ("b", "v2", 15, 0.3),
        ("c", "w1", 20, 0.2),
    ],
    False,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org_tables())
@example(RANK_ONLY_PARENT)
def test_placements_never_narrow_a_hidden_group(case: tuple[pd.DataFrame, bool]) -> None:
    """Issue 10.3: for every hidden group of 1-4 answers, the interval the attacker
    gets from the published means, placements and totals equals the one from means
    and totals alone, and has positive width (it is not determined)."""
    table, parent_published = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = suppress(
            table.drop(columns="t"),
            hierarchy=("org", "unit"),
            rank_by="qwl_index",
            parent_published=parent_published,
        )
    pub = _published(out, table, parent_published)
    for cell in range(len(table)):
        if out["status"].iloc[cell] == "shown" or out["status"].iloc[cell] == "rank_only":
            continue
        if not 0 < table["n"].iloc[cell] < MIN_N:
            continue
        plain = bounds(pub, cell, lo=0.0, hi=1.0, with_placements=False)
        ranked = bounds(pub, cell, lo=0.0, hi=1.0, with_placements=True)
        assert ranked == pytest.approx(plain, abs=1e-6), (cell, plain, ranked)


# --------------------------------------------------------------------------- a crafted dataset

COMMENT = "ympäristöpalvelut-yksikön väki on uupunut"
#: The example's units kept (fewer units, a faster cache; the tests need these).
KEEP = {
    "Kuusikoski": [
        "Hallinto- ja talouspalvelut",
        "Kirjasto- ja kulttuuripalvelut",
        "Kirkonkylän koulu",
        "Liikuntapalvelut",
        "Lukio",
        "Rakennusvalvonta",
        "Ympäristöpalvelut",
    ],
    "Pohjala": [
        "Henkilöstöpalvelut",
        "Kotihoito",
        "Liikuntapalvelut",
        "Rakennusvalvonta",
        "Suun terveydenhuolto",
    ],
}


def _change(t: Tables) -> None:
    """What the tests below rely on (wave 2024 unless said):

    - Kuusikoski, Kirjasto- ja kulttuuripalvelut: 11 respondents, 2 answered (10.1);
    - Kuusikoski, Hallinto- ja talouspalvelut: 14 answered, 3 of them item qwl_01;
    - Pohjala: Tyhjät (6 respondents) and Hiljaiset (12) answered nothing; the
      hidden Rakennusvalvonta (4) is renamed "ja" and its example protector
      Liikuntapalvelut (10) "3"; Hiljaiset is renamed "Pohjala" (10.2, 10.12);
    - a Kuusikoski respondent of Lukio comments on the hidden
      Ympäristöpalvelut in an inflected form (10.6);
    - Keskikylä, 7 respondents, only in 2023: a rank-only organisation (10.4);
    - Pikkula, 3 respondents, only in 2024: a small organisation (10.15);
    - Pohjala has no finance figures for 2024 (10.15).
    """
    t.blank("Kuusikoski", "Kirjasto- ja kulttuuripalvelut", keep=2)
    rows = t.rows("Kuusikoski", "Hallinto- ja talouspalvelut")
    t.survey.loc[rows[3:], "qwl_01"] = pd.NA
    t.add_unit("Pohjala", "Tyhjät", 6)
    t.add_unit("Pohjala", "Hiljaiset", 12)
    for wave in ("2023", "2024"):
        t.blank("Pohjala", "Tyhjät", wave=wave)
        t.blank("Pohjala", "Hiljaiset", wave=wave)
    t.rename_unit("Pohjala", "Rakennusvalvonta", "ja")
    t.rename_unit("Pohjala", "Liikuntapalvelut", "3")
    t.rename_unit("Pohjala", "Hiljaiset", "Pohjala")
    lukio = t.rows("Kuusikoski", "Lukio")
    t.survey.loc[lukio[0], "comment_1"] = COMMENT
    t.survey.loc[lukio[1], "comment_1"] = "Ympäristöpalveluissa on hyvä henki."
    t.add_unit("Keskikylä", "Keskus", 7, waves=("2023",))
    t.add_unit("Pikkula", "Pikku", 3, waves=("2024",))
    f = t.finance
    t.finance = f[~((f["org"] == "Pohjala") & (f["period"] == "2024"))].reset_index(drop=True)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, C.Cache]:
    root = tmp_path_factory.mktemp("attack")
    dataset = load_dataset(crafted(root / "data", _change, units=KEEP))
    folder = prepare_cache(dataset, root / "cache", settings=PrepareSettings(drivers_boot=0))
    return dataset, C.load_cache(folder)


def _groups(cache: C.Cache, wave: str = "2024") -> pd.DataFrame:
    g = cache.tables["groups"]
    return g[g["wave"] == wave].set_index(["level", "org", "unit"], drop=False)


def _answers(dataset: Any, org: str, unit: str | None, wave: str = "2024") -> int:
    """People with every QWL item answered or enough to be scored, from the raw answers:
    here the crafted units either answered everything or nothing, so a count of
    respondents with qwl_02 (never blanked alone) is the count with an index."""
    r = dataset.responses
    sel = (r["org"] == org) & (r["wave"] == wave)
    if unit is not None:
        sel &= r["unit"] == unit
    return int(r.loc[sel, "qwl_02"].notna().sum())


def test_status_counts_answers_not_respondents(prepared: tuple[Any, C.Cache]) -> None:
    """10.1: Kirjasto- ja kulttuuripalvelut has 11 respondents but 2 answers: hidden,
    with no figure; the old code showed the mean of those 2."""
    dataset, cache = prepared
    g = _groups(cache)
    row = g.loc[("unit", "Kuusikoski", "Kirjasto- ja kulttuuripalvelut")]
    assert (row["n"], row["qwl_n"], row["status"]) == (11, 2, "hidden")
    assert _answers(dataset, "Kuusikoski", "Kirjasto- ja kulttuuripalvelut") == 2
    assert math.isnan(row["qwl_index"]) and math.isnan(row["FE_share_mean"])
    items = cache.tables["items"]
    sel = (items["unit"] == "Kirjasto- ja kulttuuripalvelut") & (items["wave"] == "2024")
    assert items.loc[sel, ["mean", "pct_favourable"]].isna().all(axis=None)


def test_item_figures_need_their_own_answers(prepared: tuple[Any, C.Cache]) -> None:
    """10.1, items: in Hallinto- ja talouspalvelut (14 answers, shown) only 3 answered
    qwl_01: that item's mean is not shown, the others are."""
    _, cache = prepared
    items = cache.tables["items"]
    sel = (
        (items["unit"] == "Hallinto- ja talouspalvelut")
        & (items["org"] == "Kuusikoski")
        & (items["wave"] == "2024")
    )
    unit = items[sel].set_index("item")
    assert math.isnan(unit.loc["qwl_01", "mean"]) and unit.loc["qwl_01", "status"] == "hidden"
    assert unit.drop(index="qwl_01")["mean"].notna().all()
    assert _groups(cache).loc[("unit", "Kuusikoski", "Hallinto- ja talouspalvelut"), "status"] == (
        "shown"
    )
    v = C.open_view(cache, org="Kuusikoski", wave="2024", unit="Hallinto- ja talouspalvelut")
    wording = next(i.text["fi"] for i in v.instrument.items if i.id == "qwl_01")
    assert wording not in C.profile_section(v)  # neither a strength nor a weakness


def test_protector_without_answers_protects_nothing(prepared: tuple[Any, C.Cache]) -> None:
    """10.2: in Pohjala the hidden unit "ja" (4 answers) was protected by Tyhjät
    (6 respondents, rank only, no answers): organisation total minus the shown
    units gave its index exactly. Counting answers, Tyhjät and "Pohjala" hold 0 and
    another unit is hidden; the attacker's interval for "ja" has positive width."""
    dataset, cache = prepared
    g = _groups(cache)
    units = g[(g["level"] == "unit") & (g["org"] == "Pohjala")]
    assert units.loc[("unit", "Pohjala", "Tyhjät"), "qwl_n"] == 0
    cells = [("org", "Pohjala", None), *units.index]
    n = [float(_answers(dataset, "Pohjala", u)) for _, _, u in cells]
    mean = [float(g.loc[c, "qwl_index"]) for c in cells]
    pub = Published(n, mean, [(0, list(range(1, len(cells))))])
    target = cells.index(("unit", "Pohjala", "ja"))
    low, high = bounds(pub, target, lo=0.0, hi=1.0, with_placements=False)
    assert high - low > 0.05
    assert units.loc[("unit", "Pohjala", "3"), "complementary"]


def _all_cells_attack(dataset: Any, cache: C.Cache, wave: str) -> None:
    """Every hidden unit of 1-4 answers of every organisation: placements add nothing."""
    g = _groups(cache, wave)
    for org in g.loc[g["level"] == "org", "org"]:
        units = g[(g["level"] == "unit") & (g["org"] == org)]
        cells = [("org", org, None), *units.index]
        n = [float(_answers(dataset, org, u, wave)) for _, _, u in cells]
        mean = [float(g.loc[c, "qwl_index"]) for c in cells]
        ranks = [(i, _rank(g.loc[c, "rank"])) for i, c in enumerate(cells) if i]
        pub = Published(n, mean, [(0, list(range(1, len(cells))))], placements(ranks))
        for i, c in enumerate(cells):
            if i and g.loc[c, "status"] == "hidden" and 0 < n[i] < MIN_N:
                plain = bounds(pub, i, lo=0.0, hi=1.0, with_placements=False)
                ranked = bounds(pub, i, lo=0.0, hi=1.0, with_placements=True)
                assert ranked == pytest.approx(plain, abs=1e-6), (org, c)


def test_placements_of_the_prepared_cache_add_nothing(prepared: tuple[Any, C.Cache]) -> None:
    """10.3 on the report cache: Kuusikoski's rank-only Liikuntapalvelut (8) would
    otherwise sit between two shown units and bracket Ympäristöpalvelut (4)."""
    dataset, cache = prepared
    for wave in ("2023", "2024"):
        _all_cells_attack(dataset, cache, wave)
    g = _groups(cache)
    row = g.loc[("unit", "Kuusikoski", "Liikuntapalvelut")]
    assert row["status"] == "rank_only" and pd.isna(row["rank"])


def test_rank_only_organisation_gets_no_reliability(prepared: tuple[Any, C.Cache]) -> None:
    """10.4: Keskikylä has 7 answers in 2023 (rank only): no alpha, no omega."""
    _, cache = prepared
    g = _groups(cache, "2023")
    assert g.loc[("org", "Keskikylä", None), "status"] == "rank_only"
    r = cache.tables["reliability"]
    assert r[r["org"] == "Keskikylä"].empty and r[r["org"] == "Pikkula"].empty
    assert not r[r["org"] == "Kuusikoski"].empty
    d = cache.tables["drivers"]
    assert d[d["org"].isin(["Keskikylä", "Pikkula"])].empty
    v = C.open_view(cache, org="Keskikylä", wave="2023")
    assert text("org.no_figures", lang="fi") in C.profile_section(v)
    assert text("org.rank_only_notice", lang="fi", n=7, limit=SHOW) in C.qwl_section(v)
    assert "Yksikö" not in C.qwl_section(v) + C.profile_section(v)


def test_small_organisation_needs_no_complement(prepared: tuple[Any, C.Cache]) -> None:
    """10.15: Pikkula (3) is hidden; Kuusikoski and Pohjala keep their own index, and
    the all-organisations benchmark pools the two shown organisations only (so it
    cannot be differenced against them). The notice speaks of an organisation."""
    dataset, cache = prepared
    g = _groups(cache)
    assert g.loc[("org", "Pikkula", None), "status"] == "hidden"
    for org in ("Kuusikoski", "Pohjala"):
        assert g.loc[("org", org, None), "status"] == "shown"
    total = g[g["level"] == "total"].iloc[0]
    r = dataset.responses
    r = r[(r["wave"] == "2024") & r["org"].isin(["Kuusikoski", "Pohjala"])]
    assert total["n"] == len(r)
    v = C.open_view(cache, org="Pikkula", wave="2024")
    notice = C.qwl_section(v)
    assert text("org.hidden_small", lang="fi", n=3, min_n=MIN_N) in notice
    assert "Yksikön" not in notice


def test_missing_finance_gets_a_note(prepared: tuple[Any, C.Cache]) -> None:
    """10.15: Pohjala has HR data but no finance for 2024: its money section says why
    the valuation is missing, in both languages."""
    _, cache = prepared
    for lang in ("fi", "en"):
        v = C.open_view(cache, org="Pohjala", wave="2024", lang=lang)
        assert C.valuation_frame(v).empty and not C.money_frame(v).empty
        assert text("valuation.no_finance", lang=lang) in C.money_section(v)


SECTIONS = [
    "header_section",
    "participation_section",
    "qwl_section",
    "profile_section",
    "trend_section",
    "money_section",
    "drivers_section",
    "comments_section",
    "methods_section",
    "key_numbers",
]


def test_every_report_of_units_without_answers_renders(prepared: tuple[Any, C.Cache]) -> None:
    """10.12: units whose respondents answered nothing (Tyhjät, "Pohjala") crashed the
    organisation report and their own; hidden units named "3", "ja" or like their
    organisation blocked every report of Pohjala. Every view now renders."""
    _, cache = prepared
    g = _groups(cache)
    for org in ("Kuusikoski", "Pohjala", "Pikkula"):
        views = [C.open_view(cache, org=org, wave="2024", show_comments=True)]
        for unit in g.loc[(g["level"] == "unit") & (g["org"] == org), "unit"]:
            views.append(C.open_view(cache, org=org, wave="2024", unit=unit))
        for v in views:
            names = SECTIONS + (["units_section"] if v.unit is None else ["unit_vs_org_section"])
            for name in names:
                getattr(C, name)(v)
    v = C.open_view(cache, org="Pohjala", wave="2024", unit="Tyhjät")
    assert text("unit.hidden_small", lang="fi", n=0, min_n=MIN_N) in C.qwl_section(v)


def test_guard_matches_whole_words_and_cells(prepared: tuple[Any, C.Cache]) -> None:
    """10.12: hidden units named "ja" and "3" no longer block Finnish text and numbers
    (the old guard matched substrings), and the guard still refuses a hidden name as
    a cell or in running text."""
    _, cache = prepared
    v = C.open_view(cache, org="Pohjala", wave="2024")
    assert C.check_text("<p>Tulos on 3,0 % ja 51 %.</p><td class='num'>3</td>", v)
    assert {"ja", "3", "Tyhjät"} <= set(_hidden_names(v))
    with pytest.raises(ReportError):
        C.check_text("<table><tr><td>ja</td><td>51 %</td></tr></table>", v)
    with pytest.raises(ReportError):
        C.check_frame(pd.DataFrame({"label": ["3"]}), v)
    with pytest.raises(ReportError):
        C.check_text("<p>Yksikkö TYHJÄT: 51 %</p>", v)
    k = C.open_view(cache, org="Kuusikoski", wave="2024")
    with pytest.raises(ReportError):
        C.check_text("<p>Ympa\u0308risto\u0308palvelut 51 %</p>", k)


def test_comments_naming_a_hidden_unit_are_left_out(prepared: tuple[Any, C.Cache]) -> None:
    """10.6: two comments of Kuusikoski's Lukio name the hidden Ympäristöpalvelut in
    inflected forms; the unit's list leaves both out, and keeps the others."""
    _, cache = prepared
    v = C.open_view(cache, org="Kuusikoski", wave="2024", unit="Lukio", show_comments=True)
    shown = C.comments_frame(v)["comment"].tolist()
    assert shown and COMMENT not in shown
    assert not any("mpäristöpalvelu" in c for c in shown)


@pytest.mark.parametrize(
    ("comment", "name", "visible", "named"),
    [
        ("ympäristöpalvelut-yksikön väki on uupunut", "Ympäristöpalvelut", [], True),
        ("YMPÄRISTÖPALVELUISSA on vaikeaa", "Ympäristöpalvelut", [], True),
        ("Ympa\u0308risto\u0308palveluyksikko\u0308", "Ympäristöpalvelut", [], True),
        ("Rakennusvalvonnan tilanne", "Rakennusvalvonta", [], True),
        ("hallinnon väki", "Hallinto", [], True),
        ("oppimisympäristöissä huono", "Kirjasto ja oppimisympäristöt", ["Kirjasto- ja x"], True),
        ("Kirjaston väki", "Kirjasto ja oppimisympäristöt", ["Kirjasto- ja x"], False),
        ("Hyvä työpaikka", "Ympäristöpalvelut", [], False),
        ("tiimi 3 on paras", "3", [], True),
        ("vuonna 2023 hyvä", "3", [], False),
    ],
)
def test_mentions(comment: str, name: str, visible: list[str], named: bool) -> None:
    """Finnish inflection by hand: -n genitive, -issa inessive, compounds, NFD."""
    assert mentions(comment, name, visible=visible) is named
