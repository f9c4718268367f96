"""The versions of the packages behind a result, recorded in every manifest and cache.

One list for :func:`hrproductivity.io.process` (``manifest.json``) and
:func:`hrproductivity.reports.prepare` (``meta.json``), so both say which code produced
the numbers in the same words.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["PACKAGES", "package_version", "versions"]

#: The packages whose versions a processed dataset or a report cache records: the
#: library, the table and validation stack, and the statistics and plotting packages.
PACKAGES: tuple[str, ...] = (
    "hrproductivity",
    "pandas",
    "numpy",
    "pyarrow",
    "pandera",
    "scipy",
    "statsmodels",
    "pingouin",
    "matplotlib",
)


def package_version(name: str) -> str:
    """The installed version of ``name``, or ``"not installed"``.

    Examples
    --------
    >>> package_version("surely-not-a-package-name")
    'not installed'
    """
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """``{package: version}`` for ``names`` (by default :data:`PACKAGES`), in that order."""
    return {name: package_version(name) for name in names}
