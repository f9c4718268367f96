"""The report's HTML: a handful of escaped building blocks, and the one place output is guarded.

Every text put in a block is escaped here, except the parts given as HTML
already (a locale text filled by :func:`t`, a figure's SVG). :func:`section`
wraps a finished section and runs the guard
(:func:`~hrproductivity.reports.guard.check_text`) on it: every section a
report shows passes through it once.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from hrproductivity import plots
from hrproductivity.locales import text
from hrproductivity.reports.formatting import band, printed_share
from hrproductivity.reports.guard import check_text
from hrproductivity.reports.view import View

__all__ = ["STYLE", "band_html", "h", "key_figures", "note", "p", "section", "t", "table", "ul"]

#: The report's style sheet, put at the top by the header section.
STYLE = """<style>
.hrp h1 {margin-bottom: 0.1em;} .hrp .hrp-sub {font-size: 1.15em; color: #444; margin: 0;}
.hrp .hrp-meta {color: #666; font-size: 0.9em;}
.hrp table.hrp-table {border-collapse: collapse; margin: 0.6em 0 1em 0; font-size: 0.92em;}
.hrp table.hrp-table th {background: #eef1f5; text-align: left; padding: 4px 8px;
  border-bottom: 1px solid #999; vertical-align: bottom;}
.hrp table.hrp-table td {padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left;}
.hrp table.hrp-table tbody tr:nth-child(odd) {background: transparent;}
.hrp table.hrp-table td.num {text-align: right; white-space: nowrap;}
.hrp table.hrp-table tr.hrp-total td {font-weight: bold; border-top: 1px solid #999;}
.hrp table.hrp-table tr.hrp-muted td {color: #777; font-style: italic;}
.hrp .hrp-key {display: flex; flex-wrap: wrap; gap: 12px; margin: 0.6em 0;}
.hrp .hrp-key div {border: 1px solid #ccd; border-radius: 6px; padding: 6px 12px; min-width: 9em;}
.hrp .hrp-key b {display: block; font-size: 1.5em;}
.hrp .hrp-note {color: #555; font-size: 0.88em; border-left: 3px solid #ccd; padding-left: 8px;}
.hrp figure {margin: 0.6em 0;} .hrp figcaption {color: #555; font-size: 0.88em;}
.hrp .hrp-band {padding: 1px 6px; border-radius: 4px;}
</style>"""


def t(lang: str, key: str, **values: Any) -> str:
    """A locale text with its values HTML-escaped."""
    return text(key, lang=lang, **{k: html.escape(str(x)) for k, x in values.items()})


def h(level: int, title: str) -> str:
    return f"<h{level}>{title}</h{level}>"


def p(content: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{content}</p>"


def note(content: str) -> str:
    return p(content, "hrp-note")


def ul(items: Iterable[str]) -> str:
    """A list of HTML items (not escaped here)."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def table(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    *,
    numeric: Iterable[int] = (),
    row_classes: Sequence[str] | None = None,
) -> str:
    """An HTML table of preformatted strings (escaped here)."""
    num = set(numeric)
    head = "".join(f"<th>{html.escape(x)}</th>" for x in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(
            f'<td class="num">{html.escape(c)}</td>' if j in num else f"<td>{html.escape(c)}</td>"
            for j, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return (
        f'<table class="hrp-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def key_figures(pairs: Sequence[tuple[str, str]]) -> str:
    """Big key figures in boxes: (label, value) pairs."""
    cells = "".join(f"<div>{html.escape(k)}<b>{html.escape(x)}</b></div>" for k, x in pairs)
    return f'<div class="hrp-key">{cells}</div>'


def band_html(share: float, *, lang: str) -> str:
    """The band of a share as printed, as a coloured label."""
    label, _ = band(share, lang=lang)
    colour = plots.band_colour(printed_share(share))
    return f'<span class="hrp-band" style="background:{colour}33">{html.escape(label)}</span>'


def section(v: View, *parts: str) -> str:
    """A finished report section, after the guard: raises rather than name a hidden unit."""
    return check_text('<div class="hrp">' + "".join(parts) + "</div>", v)
