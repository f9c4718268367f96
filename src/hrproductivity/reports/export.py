"""Export executed notebooks: HTML without code (in-process) and PDF (headless Chromium).

HTML goes through nbconvert's :class:`~nbconvert.HTMLExporter` with the lab
template, without code cells and prompts; outputs (tables, figures, text) are
kept. The page loads nothing from the network (no require.js, MathJax or
mermaid from a CDN): reports about people should not tell a third party when
they are opened, and Chromium prints them without waiting for the network.
Pages are A4 when printed.

PDF is printed by Debian's ``chromium`` package in headless mode
(``--print-to-pdf``); nbconvert's own webpdf exporter needs a Playwright
browser instead, which the project does not install.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrproductivity._files import scratch_tempdir
from hrproductivity.errors import ReportError

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

__all__ = ["CHROMIUM_HINT", "find_chromium", "html_exporter", "to_html", "to_pdf"]

CHROMIUM_HINT = "install Debian's chromium package (apt-get install chromium)"

_REPORT_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
  @page { size: A4; margin: 16mm 14mm; }
  .jp-Notebook { padding: 0; }
</style>
{%- endblock extra_css -%}
"""


@functools.cache
def html_exporter(lang: str = "fi") -> HTMLExporter:
    """The exporter for pages in ``lang``, made once per process (templates load on first use)."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="hrproductivity_report.html.j2",
        extra_loaders=[jinja2.DictLoader({"hrproductivity_report.html.j2": _REPORT_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        language_code=lang,
    )


def to_html(nb: NotebookNode, *, title: str, lang: str = "fi") -> str:
    """The report page of an executed notebook: outputs and text, no code.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str
        The page title (the template's ``metadata.title`` wins when set).
    lang : str
        The page's language attribute.
    """
    resources: dict[str, Any] = {"metadata": {"name": title}}
    body, _ = html_exporter(lang).from_notebook_node(nb, resources=resources)
    return str(body)


def find_chromium() -> str:
    """Path of the ``chromium`` executable.

    Raises
    ------
    ReportError
        When it is not installed.
    """
    path = shutil.which("chromium")
    if path is None:
        raise ReportError(f"PDF export needs a headless Chromium browser: {CHROMIUM_HINT}")
    return path


def to_pdf(html: Path, pdf: Path, *, chromium: str | None = None, timeout: float = 120) -> None:
    """Print an HTML file to PDF with headless Chromium.

    Parameters
    ----------
    html : Path
        A local HTML file.
    pdf : Path
        Where to write the PDF (written by Chromium directly: give a temporary
        name and rename it when the caller needs atomicity).
    chromium : str, optional
        The browser executable (default: :func:`find_chromium`).
    timeout : float
        Seconds before the browser is stopped.

    Raises
    ------
    ReportError
        When Chromium is missing, fails, or writes no PDF.
    """
    browser = chromium or find_chromium()
    with scratch_tempdir("hrp-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ReportError(f"chromium did not print {html.name} in {timeout:.0f} s") from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise ReportError(
            f"chromium failed to print {html.name} (exit {done.returncode}): {tail[0]}"
        )
