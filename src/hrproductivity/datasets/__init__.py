"""Example data that ships with the package, found wherever the package is installed.

Like seaborn's or statsmodels' bundled datasets: :func:`example` returns the
folder of the example dataset (five fictional organisations, three survey
waves), ready for :func:`~hrproductivity.io.load_dataset`, the command line and
the report templates, whatever the working folder.

The folder is read-only data: every command writes its outputs elsewhere
(processed tables and reports under the working folder, report caches in a
temporary folder). It holds exactly what
:func:`hrproductivity.synthetic.example_dataset` generates; to regenerate it
after changing the generator, run ``make example`` in the repository.

Examples
--------
>>> import hrproductivity as hp
>>> folder = hp.datasets.example()
>>> sorted(p.name for p in folder.iterdir())
['dataset.yaml', 'finance.csv', 'hr.csv', 'survey.csv', 'units.csv']
>>> hp.load_dataset(folder).name
'example'
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FOLDER", "example"]

FOLDER = Path(__file__).resolve().parent
"""The folder of the packaged datasets (one sub-folder each)."""


def example() -> Path:
    """The folder of the packaged example dataset (an absolute path).

    Returns
    -------
    Path
        A dataset folder with ``dataset.yaml``; read it with
        :func:`~hrproductivity.io.load_dataset`. Do not write into it.

    Examples
    --------
    >>> from hrproductivity import datasets
    >>> (datasets.example() / "dataset.yaml").is_file()
    True
    """
    return FOLDER / "example"
