"""Anonymity scan over a full demo run: every organisation report (HTML and, with
chromium, PDF) and every unit report of the example's latest wave.

The rule checked (docs/privacy.md, FIOH Kunta10): a unit under the threshold never
appears with a figure. The reports enforce the stricter form that a hidden unit
is never named at all, so the scan looks for its name in the text of every
page of its organisation; and a unit hidden in the wave gets no report.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from hrproductivity import load_dataset
from hrproductivity.reports.jobs import slug
from hrproductivity.reports.manifest import Manifest
from hrproductivity.reports.pipeline import build_reports

pytestmark = pytest.mark.notebooks  # executes notebooks (make test-fast skips it)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
MIN_N = 5


def _words(page: str) -> str:
    body = page[page.index("<body") :]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _pdf_words(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _named(words: str, name: str) -> bool:
    flat = re.sub(r"\s+", " ", words)
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flat) is not None


@pytest.mark.slow
def test_no_hidden_unit_appears_in_any_report_of_a_full_run(tmp_path: Path) -> None:
    dataset = load_dataset(EXAMPLE)
    wave = dataset.waves[-1]
    formats = ("html", "pdf") if shutil.which("chromium") else ("html",)
    common = {"out": tmp_path / "reports", "cache_dir": tmp_path / "cache", "min_n": MIN_N}
    orgs = build_reports(
        dataset,
        level="org",
        formats=formats,
        template=ROOT / "notebooks" / "org_report.ipynb",
        **common,
    )
    units = build_reports(
        dataset, level="unit", template=ROOT / "notebooks" / "unit_report.ipynb", **common
    )
    assert not orgs.failed and not units.failed, [e.message() for e in orgs.failed + units.failed]

    caches = [p for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")]
    assert len(caches) == 1, "the shared work runs once for both levels"
    groups = pd.read_parquet(caches[0] / "groups.parquet")
    groups = groups[(groups["level"] == "unit") & (groups["wave"] == wave)]
    hidden = groups[groups["status"] == "hidden"]
    # the threshold rule itself, from the raw answers rather than the cache
    answers = dataset.responses[dataset.responses["wave"] == wave]
    small = answers.groupby(["org", "unit"]).size()
    small = set(small[small < MIN_N].index)
    assert small <= set(zip(hidden["org"], hidden["unit"], strict=True))
    assert len(hidden) > len(small), "complementary suppression hides more than the small units"

    pages: list[tuple[str, str, str]] = []  # (org, report, words)
    for manifest in (orgs, units):
        for entry in manifest.entries.values():
            org = entry.parameters["org"]
            if entry.status == "not_produced":
                assert not any((manifest.folder / p).exists() for p in entry.outputs.values())
                continue
            assert entry.status == "ok"
            page = (manifest.folder / entry.outputs["html"]).read_text(encoding="utf-8")
            pages.append((org, entry.name, _words(page)))
            if "pdf" in entry.outputs:
                pages.append(
                    (org, entry.name + ".pdf", _pdf_words(manifest.folder / entry.outputs["pdf"]))
                )
    assert any(name.endswith(".pdf") for _, name, _ in pages) == ("pdf" in formats)

    hidden_units = set(zip(hidden["org"], hidden["unit"], strict=True))
    produced = {
        (e.parameters["org"], e.parameters["unit"])
        for e in units.entries.values()
        if e.status == "ok"
    }
    assert not produced & hidden_units, "a hidden unit got a report of its own"
    leaks = [
        (report, unit)
        for org, report, words in pages
        for (h_org, unit) in hidden_units
        if h_org == org and _named(words, unit)
    ]
    assert not leaks
    # the scan can find names: every shown unit of an organisation is named in its report
    shown = groups[groups["status"] == "shown"]
    for org, report, words in pages:
        if report == slug(org):  # the organisation's own HTML report
            for unit in shown.loc[shown["org"] == org, "unit"]:
                assert _named(words, unit), (org, unit)
    assert Manifest.load(tmp_path / "reports" / wave).counts()["failed"] == 0
