"""The index page of a wave's reports: every report, its status and its files.

``<out>/<wave>/index.html`` is a single self-contained page (no scripts, no
network) in Finnish or English, written atomically after every manifest update.
Like ``manifest.json`` it names only reports that exist (or failed): reports
not produced, for groups too small to show or hidden to protect another, are
counted without names, sizes or reasons.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from hrproductivity._files import atomic_write
from hrproductivity.locales import LANGUAGES, namespace
from hrproductivity.reports.manifest import Entry, Manifest, now

__all__ = ["write_index"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
p.meta { color: #59636e; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #d1d9e0;
         vertical-align: top; }
th { background: #f6f8fa; }
.status { font-weight: 600; white-space: nowrap; }
.ok, .skipped { color: #1a7f37; }
.failed { color: #cf222e; }
.not_produced { color: #59636e; }
pre { background: #fff8f8; border-left: 3px solid #cf222e; padding: .4rem .6rem;
      margin: .3rem 0 0; white-space: pre-wrap; font-size: .85rem; }
a { margin-right: .6rem; }
"""


def write_index(manifest: Manifest, *, lang: str = "fi") -> Path:
    """Write ``index.html`` beside the manifest, linking every report with its status.

    Parameters
    ----------
    manifest : Manifest
        The wave's manifest (all reports, merged across runs).
    lang : {"fi", "en"}
        Language of the page.

    Returns
    -------
    Path
        The page's path.
    """
    t = namespace("index", lang=lang if lang in LANGUAGES else "en")
    counts = manifest.counts()
    summary = ", ".join(f"{n} {t[s]}" for s, n in counts.items() if n)
    updated = now().replace("T", " ")[:16] + " UTC"
    rows = "\n".join(_row(e, t) for e in manifest.published())
    withheld = ""
    if counts["not_produced"]:
        note = t["withheld"].format(n=counts["not_produced"])
        withheld = f'<p class="meta">{html.escape(note)}</p>\n'
    title = html.escape(t["title"].format(wave=manifest.wave))
    page = f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{html.escape(summary)} · {t["updated"]} {updated}</p>
{withheld}<table>
<thead><tr><th>{t["report"]}</th><th>{t["level"]}</th><th>{t["status"]}</th>\
<th>{t["files"]}</th><th>{t["details"]}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""
    path = manifest.folder / "index.html"
    atomic_write(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path


def _row(entry: Entry, t: dict[str, str]) -> str:
    labels = {"html": "HTML", "pdf": "PDF", "ipynb": t["notebook"], "failed_ipynb": t["notebook"]}
    links = " ".join(
        f'<a href="{quote(entry.outputs[kind])}">{html.escape(label)}</a>'
        for kind, label in labels.items()
        if kind in entry.outputs
    )
    details = ""
    if entry.status == "failed" and entry.error:
        details = html.escape(entry.error.get("message", ""))
        if entry.error.get("source"):
            details += f"<pre>{html.escape(entry.error['source'])}</pre>"
    elif entry.seconds:
        details = f"{entry.seconds:.1f} {t['seconds']}"
    status = entry.status if entry.status in t else "failed"
    return (
        f"<tr><td>{html.escape(entry.name)}</td><td>{html.escape(t.get(entry.level, entry.level))}"
        f'</td><td class="status {status}">{html.escape(t[status])}</td>'
        f"<td>{links}</td><td>{details}</td></tr>"
    )
