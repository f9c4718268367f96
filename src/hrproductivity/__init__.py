"""hrproductivity: quality of working life, well-being at work and personnel productivity."""

from __future__ import annotations

from importlib.metadata import version as _version

from hrproductivity.errors import (
    DataValidationError,
    HRProductivityError,
    HRProductivityWarning,
    InstrumentError,
    ModelWarning,
    Problem,
    ReportError,
    UnknownNameError,
)
from hrproductivity.instruments import Instrument, load_instrument
from hrproductivity.io import (
    Dataset,
    ValidationReport,
    load_dataset,
    process,
    read_finance,
    read_hr,
    read_processed,
    read_survey,
    read_units,
    validate,
    write_dataset,
)

__version__ = _version("hrproductivity")

__all__ = [
    "DataValidationError",
    "Dataset",
    "HRProductivityError",
    "HRProductivityWarning",
    "Instrument",
    "InstrumentError",
    "ModelWarning",
    "Problem",
    "ReportError",
    "UnknownNameError",
    "ValidationReport",
    "__version__",
    "load_dataset",
    "load_instrument",
    "process",
    "read_finance",
    "read_hr",
    "read_processed",
    "read_survey",
    "read_units",
    "validate",
    "write_dataset",
]
