"""The report templates that ship with the package: one notebook per report level.

``hrproductivity reports`` and :func:`~hrproductivity.reports.pipeline.build_reports`
run :func:`report_template` of the level unless given another template. Copy one
to adapt it: a template is an ordinary notebook with a cell tagged
``parameters``; opened by hand with its defaults it reports on the packaged
example (:func:`hrproductivity.datasets.example`).

Examples
--------
>>> from hrproductivity.templates import report_template
>>> report_template("org").name
'org_report.ipynb'
>>> report_template("unit").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

from hrproductivity.errors import UnknownNameError

__all__ = ["FOLDER", "report_template"]

FOLDER = Path(__file__).resolve().parent
"""The folder of the packaged templates."""


def report_template(level: str) -> Path:
    """The packaged template notebook of a report level (an absolute path).

    Parameters
    ----------
    level : {"org", "unit"}
        One report per organisation or per unit.

    Returns
    -------
    Path
        ``<package>/templates/<level>_report.ipynb``.

    Raises
    ------
    UnknownNameError
        For another level.
    """
    from hrproductivity.reports.jobs import LEVELS

    if level not in LEVELS:
        raise UnknownNameError("report level", level, list(LEVELS))
    return FOLDER / f"{level}_report.ipynb"
