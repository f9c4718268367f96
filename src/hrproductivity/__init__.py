"""hrproductivity: quality of working life, well-being at work and personnel productivity."""

from __future__ import annotations

from importlib.metadata import version as _version

__version__ = _version("hrproductivity")
__all__ = ["__version__"]
