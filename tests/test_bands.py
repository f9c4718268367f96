"""One owner per concept: the QWL bands, the languages, the QWL factors and the package
versions are each defined once and every path that uses them gives the same answer.

The expected bands are the published ones (safeinlogplus.fi, docs/qwl-index.md,
"Interpretation bands"): below 40 % "very much to develop", 40-64 % "much to develop",
65-74 % "some to develop", 75 % and above "excellent"; lower bounds inclusive.
"""

from __future__ import annotations

import pytest

from hrproductivity import bands, locales, plots, scoring
from hrproductivity.instruments import QWL_FACTORS, load_instrument
from hrproductivity.reports import content, formatting, prepare, runner
from hrproductivity.teaching import _common as teaching_common
from hrproductivity.teaching import band_table

#: Published lower bounds (share) and labels, lowest band first (docs/qwl-index.md).
PUBLISHED = (
    (0.00, "very much to develop", "erittäin paljon kehitettävää"),
    (0.40, "much to develop", "paljon kehitettävää"),
    (0.65, "some to develop", "jonkin verran kehitettävää"),
    (0.75, "excellent", "erinomainen"),
)
#: A value just below and at each cut point, with its published band (position).
EDGES = [(0.3999, 0), (0.40, 1), (0.6499, 1), (0.65, 2), (0.7499, 2), (0.75, 3)]


def test_bounds_labels_and_colours_have_one_owner() -> None:
    """The published bounds and labels; plots, reports and teaching hold the owner's
    objects, not copies."""
    assert bands.LOWER_BOUNDS == tuple(b[0] for b in PUBLISHED)
    assert [bands.label(i, lang="en") for i in range(4)] == [b[1] for b in PUBLISHED]
    assert [bands.label(c, lang="fi") for c in bands.CODES] == [b[2] for b in PUBLISHED]
    assert scoring.QWL_BANDS == PUBLISHED
    assert plots.BAND_COLOURS is bands.COLOURS
    assert teaching_common._BAND_COLOURS is bands.COLOURS
    assert content.BAND_CODES is bands.CODES
    assert len(set(bands.COLOURS)) == len(bands.CODES) == 4


@pytest.mark.parametrize(("share", "band"), EDGES)
def test_every_path_bands_a_value_the_same(share: float, band: int) -> None:
    """0.3999 is below 40 % and 0.40 is at it (and so on for 65 % and 75 %): scoring,
    the plots' colour and the bands module agree with the published band."""
    en, fi = PUBLISHED[band][1], PUBLISHED[band][2]
    assert bands.position(share) == band
    assert bands.position(100 * share, scale="percent") == band
    assert scoring.qwl_band(share, lang="en") == en
    assert scoring.qwl_band(share) == fi
    assert plots.band_colour(share) == bands.COLOURS[band]
    assert bands.code(share) == bands.CODES[band]


@pytest.mark.parametrize(("share", "band"), EDGES)
def test_reports_and_teaching_band_the_printed_value(share: float, band: int) -> None:
    """Reports and teaching print the index with one decimal and band the printed value,
    so the text agrees with the figure: 0.3999 prints as 40.0 % and is "much to
    develop", 0.3994 prints as 39.9 % and stays below 40 %."""
    printed_band = band if share in (0.40, 0.65, 0.75) else band + 1
    assert formatting.band(share, lang="en") == (
        PUBLISHED[printed_band][1],
        bands.CODES[printed_band],
    )
    assert teaching_common._band(share, "fi") == PUBLISHED[printed_band][2]
    below = round(share - 0.0005, 4)  # 0.3994 prints as 39.9 %
    if share not in (0.40, 0.65, 0.75):
        assert formatting.band(below, lang="en")[1] == bands.CODES[band]
        assert teaching_common._band(below, "en") == PUBLISHED[band][1]


def test_band_meanings_come_from_the_locales() -> None:
    """The teaching band table shows the reports' meaning of each band (one text store)."""
    table = band_table(lang="en")
    assert table.iloc[:, 0].tolist() == [b[1] for b in PUBLISHED]
    assert table.iloc[:, 2].tolist() == [
        locales.text(f"band.meaning.{c}", lang="en") for c in bands.CODES
    ]
    with pytest.raises(Exception, match="band"):
        bands.label("average")


def test_languages_factors_and_versions_have_one_owner() -> None:
    """LANGUAGES from the locales; the QWL factors as qwl15 declares them (FE, YI, PL,
    docs/qwl-index.md); one package list for process and prepare."""
    assert runner.LANGUAGES is locales.LANGUAGES
    assert teaching_common.LANGUAGES is locales.LANGUAGES
    assert QWL_FACTORS == tuple(load_instrument("qwl15").factors) == ("FE", "YI", "PL")
    assert prepare.FACTORS is QWL_FACTORS
    assert teaching_common._FACTORS is QWL_FACTORS
    from hrproductivity import _versions

    got = _versions.versions()
    # the union of the two former lists (process: pyarrow, pandera; prepare: pingouin, ...)
    for name in ("hrproductivity", "pandas", "numpy", "pyarrow", "pandera", "scipy"):
        assert got[name] not in ("", "not installed")
    assert {"statsmodels", "pingouin", "matplotlib"} <= set(got)
    assert _versions.package_version("surely-not-a-package-name") == "not installed"
