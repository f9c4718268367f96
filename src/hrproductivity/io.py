"""Read survey, unit, HR and finance files into tidy, validated tables.

Raw files are only ever read. Every problem found is collected and reported
together (:class:`~hrproductivity.errors.DataValidationError`), each naming
the file, the row as a spreadsheet shows it (the header is row 1) and the
column.

Formats: CSV (comma, semicolon or tab separated; decimal comma with semicolons;
UTF-8 with or without BOM, or Windows-1252 as Finnish exports come), XLSX,
SPSS ``.sav`` (value labels kept in :attr:`Dataset.value_labels`) and parquet.

A dataset is a folder with a ``dataset.yaml``::

    name: kuntakokeilu            # optional; the folder name otherwise
    instruments: [qwl15]          # bundled names or YAML files in the folder
    files:                        # optional; survey.*, units.*, hr.*, finance.* otherwise
      survey: [kysely_2022.csv, kysely_2023.xlsx]
      units: yksikot.csv
      hr: henkilosto.csv
      finance: talous.csv
    wave_period: {"2022": "2022", "2023": "2023"}   # survey wave -> HR/finance period
    columns:                      # optional: export headers -> contract names
      survey: {Vastaajatunnus: respondent, Yksikkö: unit}
    ignore_columns: [Aikaleima]   # optional: export columns to leave out
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.errors as pa_errors
import yaml

from hrproductivity import schemas
from hrproductivity.errors import DataValidationError, HRProductivityError, Problem
from hrproductivity.instruments import Instrument, load_instrument

__all__ = [
    "Dataset",
    "ValidationReport",
    "load_dataset",
    "process",
    "read_finance",
    "read_hr",
    "read_processed",
    "read_survey",
    "read_units",
    "validate",
    "write_dataset",
]

TABLES = ("responses", "units", "hr", "finance")
_KIND_OF_TABLE = {"responses": "survey", "units": "units", "hr": "hr", "finance": "finance"}
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel"}
_SUFFIXES |= {".sav": "sav", ".zsav": "sav", ".parquet": "parquet", ".pq": "parquet"}
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf¤¶¥–]|Ã\u0084|Ã\u0096")
_MAX_ROWS_PER_PROBLEM = 10


@dataclass(frozen=True)
class Dataset:
    """All tables of one dataset, validated against the data contract.

    Attributes
    ----------
    name : str
        The dataset's name (its folder name unless ``dataset.yaml`` says otherwise).
    responses : DataFrame
        One row per respondent per wave: ``org``, ``unit``, ``wave``, ``respondent``,
        optional background columns, the instruments' item columns (float, NaN
        when unanswered), optional ``comment_*`` columns.
    units : DataFrame
        One row per unit per wave: ``org``, ``unit``, ``wave``, ``invited``,
        optional ``parent`` and ``sector``.
    hr : DataFrame
        One row per unit per period (see DESIGN.md §2 for the columns).
    finance : DataFrame
        One row per organisation (``unit`` missing) or unit per period.
    instruments : tuple of Instrument
        The instruments whose items the survey holds; the first is the main one.
    wave_period : mapping of str to str
        Which HR/finance period each survey wave pairs with.
    folder : Path or None
        Where the raw files were read from.
    sources : mapping of str to str
        SHA-256 of each raw file read, by file name.
    value_labels : mapping
        SPSS value labels by column, when a ``.sav`` file was read.
    truth : mapping or None
        For synthetic data: the true parameters of the generating model.
    """

    name: str
    responses: pd.DataFrame
    units: pd.DataFrame
    hr: pd.DataFrame
    finance: pd.DataFrame
    instruments: tuple[Instrument, ...]
    wave_period: Mapping[str, str]
    folder: Path | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    truth: Mapping[str, Any] | None = None

    @property
    def instrument(self) -> Instrument:
        """The main instrument (the first one declared)."""
        return self.instruments[0]

    @property
    def waves(self) -> list[str]:
        """Survey waves in sorted order."""
        return sorted(self.responses["wave"].unique().tolist())

    @property
    def orgs(self) -> list[str]:
        """Organisations in sorted order."""
        return sorted(self.units["org"].unique().tolist())

    def table(self, name: str) -> pd.DataFrame:
        """One of ``responses``, ``units``, ``hr``, ``finance`` by name."""
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
        frame: pd.DataFrame = getattr(self, name)
        return frame


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found: every problem, and the size of each table."""

    problems: tuple[Problem, ...]
    rows: Mapping[str, int]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """One line per problem, as the CLI prints them."""
        return [str(p) for p in self.problems]


# --------------------------------------------------------------------------- reading


@dataclass
class _Segment:
    """Where the rows of a table came from, to name file and row in messages."""

    file: str
    start: int  # first index of the segment in the concatenated table
    length: int
    first_row: int  # the row number a spreadsheet shows for the segment's first record


@dataclass
class _Read:
    frame: pd.DataFrame
    segments: list[_Segment]
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)

    def locate(self, index: int) -> tuple[str, int]:
        for seg in self.segments:
            if seg.start <= index < seg.start + seg.length:
                return seg.file, seg.first_row + index - seg.start
        return (self.segments[0].file if self.segments else "?"), index + 2


def _read_file(
    path: Path, problems: list[Problem], *, sheet: str | int = 0
) -> tuple[pd.DataFrame, int, str, dict[str, dict[Any, str]]] | None:
    """Read one file as it is: the frame, its first data row number, its decimal mark, labels."""
    name = path.name
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(_SUFFIXES))
        problems.append(Problem(name, None, None, f"unsupported file type; use one of {known}"))
        return None
    if not path.is_file():
        problems.append(Problem(name, None, None, f"file not found: {path}"))
        return None
    if path.stat().st_size == 0:
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    labels: dict[str, dict[Any, str]] = {}
    decimal = "."
    try:
        if kind == "csv":
            text = _decode(path.read_bytes(), name, problems)
            if text is None:
                return None
            first_line = text.lstrip("\n").split("\n", 1)[0]
            sep = max((";", ",", "\t"), key=first_line.count)
            decimal = "," if sep == ";" else "."
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skipinitialspace=True,
                skip_blank_lines=True,
            )
            first_row = 2
        elif kind == "excel":
            frame = pd.read_excel(path, sheet_name=sheet, dtype=str, engine="openpyxl")
            first_row = 2
        elif kind == "sav":
            import pyreadstat

            frame, meta = pyreadstat.read_sav(str(path))
            labels = {str(k): dict(v) for k, v in meta.variable_value_labels.items()}
            first_row = 1
        else:
            frame = pd.read_parquet(path)
            first_row = 1
    except pd.errors.EmptyDataError:
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        problems.append(Problem(name, None, None, f"cannot be read as a table: {detail}"))
        return None
    except Exception as exc:  # noqa: BLE001 - any reader failure is reported, not raised
        problems.append(Problem(name, None, None, f"cannot be read as {kind}: {exc}"))
        return None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if frame.empty:
        problems.append(Problem(name, None, None, "the file has a header but no rows"))
        return None
    return frame, first_row, decimal, labels


def _decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        problems.append(
            Problem(
                name,
                None,
                None,
                "the file is UTF-16 or binary, not CSV text; save it as CSV (UTF-8)",
            )
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    "the file is neither UTF-8 nor Windows-1252 (cp1252) text "
                    f"(byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as CSV (UTF-8)",
                )
            )
            return None
    if _MOJIBAKE.search(text):
        problems.append(
            Problem(
                name,
                None,
                None,
                "the text looks encoded twice ('Ã¤' where 'ä' was meant); "
                "export the file again as CSV (UTF-8)",
            )
        )
        return None
    return text.replace("\r\n", "\n")


def _read_table(
    paths: Sequence[Path],
    kind: str,
    problems: list[Problem],
    *,
    instruments: Sequence[Instrument] = (),
    columns: Mapping[str, str] | None = None,
    ignore_columns: Iterable[str] = (),
    sheet: str | int = 0,
) -> _Read:
    spec = schemas.table_spec(kind, instruments)
    parts: list[pd.DataFrame] = []
    segments: list[_Segment] = []
    labels: dict[str, dict[Any, str]] = {}
    start = 0
    for path in paths:
        got = _read_file(path, problems, sheet=sheet)
        if got is None:
            continue
        frame, first_row, decimal, file_labels = got
        frame = _coerce(
            frame, spec, path.name, first_row, decimal, problems, columns, ignore_columns
        )
        labels |= file_labels
        frame.index = pd.RangeIndex(start, start + len(frame))
        segments.append(_Segment(path.name, start, len(frame), first_row))
        parts.append(frame)
        start += len(frame)
    if parts:
        table = pd.concat(parts) if len(parts) > 1 else parts[0]
    else:
        table = schemas.empty_frame(kind, instruments)
    table = table.reindex(columns=[c for c in table.columns if c in table])  # keep order
    read = _Read(table, segments, labels)
    _schema_problems(read, kind, instruments, problems)
    _duplicate_problems(read, spec, kind, problems)
    return read


def _coerce(
    frame: pd.DataFrame,
    spec: schemas.TableSpec,
    file: str,
    first_row: int,
    decimal: str,
    problems: list[Problem],
    columns: Mapping[str, str] | None,
    ignore_columns: Iterable[str],
) -> pd.DataFrame:
    """Map headers, check the column set, parse numbers and text; report, never guess."""
    if columns:
        frame = frame.rename(columns=dict(columns))
    ignored = set(ignore_columns)
    frame = frame[[c for c in frame.columns if c not in ignored]]
    seen: set[str] = set()
    for c in frame.columns:
        if c in seen:
            problems.append(Problem(file, None, c, "the column appears more than once"))
        seen.add(c)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for c in spec.required:
        if c not in frame.columns:
            problems.append(Problem(file, None, c, "required column is missing"))
    for c in frame.columns:
        if not spec.allows(c):
            problems.append(
                Problem(
                    file,
                    None,
                    c,
                    "unknown column; map it under 'columns' or list it under "
                    "'ignore_columns' in dataset.yaml",
                )
            )
    out: dict[str, pd.Series] = {}
    for c in frame.columns:
        col = frame[c]
        if c in spec.numeric:
            out[c] = _to_number(col, decimal, file, first_row, c, problems)
        elif c in spec.text or c.startswith("comment_"):
            out[c] = _to_text(col)
        else:
            out[c] = col
    return pd.DataFrame(out, index=frame.index)


def _to_number(
    col: pd.Series, decimal: str, file: str, first_row: int, column: str, problems: list[Problem]
) -> pd.Series:
    if pd.api.types.is_bool_dtype(col) or not (
        pd.api.types.is_string_dtype(col) or pd.api.types.is_object_dtype(col)
    ):
        return col.astype("float64")
    text = col.astype("str").str.strip().str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    text = text.mask(text == "")
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = text.notna() & values.isna()
    if bad.any():
        positions = [int(i) for i in bad.to_numpy().nonzero()[0]]
        _add_row_problems(
            problems,
            file,
            [first_row + p for p in positions],
            column,
            [f"'{col.iloc[p]}' is not a number" for p in positions],
        )
    return values


def _to_text(col: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(col):
        whole = col.dropna()
        if (whole == whole.round()).all():
            col = col.astype("Int64")
    text = col.astype("str").str.strip()
    return text.mask(col.isna() | (text == ""))


def _add_row_problems(
    problems: list[Problem], file: str, rows: list[int], column: str | None, messages: list[str]
) -> None:
    """One problem a row, but a long run of the same problem is summarised after a few."""
    for row, msg in list(zip(rows, messages, strict=True))[:_MAX_ROWS_PER_PROBLEM]:
        problems.append(Problem(file, row, column, msg))
    rest = len(rows) - _MAX_ROWS_PER_PROBLEM
    if rest > 0:
        problems.append(
            Problem(file, None, column, f"… and {rest} more rows with problems in this column")
        )


def _schema_problems(
    read: _Read, kind: str, instruments: Sequence[Instrument], problems: list[Problem]
) -> None:
    schema = {
        "survey": lambda: schemas.responses_schema(instruments),
        "units": schemas.units_schema,
        "hr": schemas.hr_schema,
        "finance": schemas.finance_schema,
    }[kind]()
    present = [c for c in schema.columns if c in read.frame.columns]
    schema = schema.select_columns(present)
    try:
        schema.validate(read.frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        grouped: dict[tuple[str, str], tuple[list[int], list[str]]] = {}
        for _, case in cases.iterrows():
            file, row = read.locate(int(case["index"]))
            check = str(case["check"])
            value = case["failure_case"]
            if check == "not_nullable":
                msg = "a value is missing"
            else:
                msg = f"{_show(value)} {check}"
            rows, msgs = grouped.setdefault((file, str(case["column"])), ([], []))
            rows.append(row)
            msgs.append(msg)
        for (file, column), (rows, msgs) in grouped.items():
            _add_row_problems(problems, file, rows, column, msgs)


def _show(value: object) -> str:
    if isinstance(value, float) and value == round(value):
        return str(int(value))
    return f"'{value}'" if isinstance(value, str) else str(value)


def _duplicate_problems(
    read: _Read, spec: schemas.TableSpec, kind: str, problems: list[Problem]
) -> None:
    key = [c for c in spec.key if c in read.frame.columns]
    if len(key) != len(spec.key) or read.frame.empty:
        return
    dup = read.frame.duplicated(key, keep=False)
    if not dup.any():
        return
    frame = read.frame.loc[dup, key]
    first_of: dict[tuple[object, ...], int] = {}
    rows: dict[str, tuple[list[int], list[str]]] = {}
    for idx, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        k = tuple(values)
        if k not in first_of:
            first_of[k] = int(idx)
            continue
        file, row = read.locate(int(idx))
        first = read.locate(first_of[k])[1]
        if kind == "survey":
            msg = (
                f"respondent '{k[2]}' appears more than once in org '{k[0]}' "
                f"wave '{k[1]}' (first at row {first})"
            )
        else:
            named = ", ".join(f"{c} '{v}'" for c, v in zip(key, k, strict=True) if pd.notna(v))
            msg = f"duplicate row for {named} (first at row {first})"
        r, m = rows.setdefault(file, ([], []))
        r.append(row)
        m.append(msg)
    for file, (r, m) in rows.items():
        _add_row_problems(problems, file, r, key[-1], m)


def _as_paths(path: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(path, str | Path):
        return [Path(path)]
    return [Path(p) for p in path]


def _finish(read: _Read, problems: list[Problem]) -> pd.DataFrame:
    if problems:
        raise DataValidationError(problems)
    return read.frame.reset_index(drop=True)


def read_survey(
    path: str | Path | Sequence[str | Path],
    *,
    instrument: str | Path | Instrument | Sequence[str | Path | Instrument] = "qwl15",
    columns: Mapping[str, str] | None = None,
    ignore_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Read survey answers (one or several files) into the tidy ``responses`` table.

    Parameters
    ----------
    path : path or list of paths
        CSV, XLSX, SAV or parquet files; several files are stacked (e.g. one per wave).
    instrument : str, Path, Instrument or a list of them
        The instrument(s) whose items the survey holds; answers are checked
        against each instrument's scale.
    columns : mapping, optional
        Export header → contract name, for exports whose headers differ.
    ignore_columns : iterable of str
        Export columns to leave out.

    Returns
    -------
    DataFrame
        ``org``, ``unit``, ``wave``, ``respondent`` (str), background columns,
        item columns (float64, NaN when unanswered), ``comment_*`` (str).

    Raises
    ------
    DataValidationError
        Listing every problem found, each with file, row and column.
    """
    problems: list[Problem] = []
    read = _read_table(
        _as_paths(path),
        "survey",
        problems,
        instruments=_instruments(instrument),
        columns=columns,
        ignore_columns=ignore_columns,
    )
    return _finish(read, problems)


def read_units(
    path: str | Path | Sequence[str | Path],
    *,
    columns: Mapping[str, str] | None = None,
    ignore_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Read the unit list (``org``, ``unit``, ``wave``, ``invited``, ``parent``, ``sector``).

    Raises :class:`DataValidationError` listing every problem found.
    """
    problems: list[Problem] = []
    read = _read_table(
        _as_paths(path), "units", problems, columns=columns, ignore_columns=ignore_columns
    )
    frame = _finish(read, problems)
    return frame.astype({"invited": "int64"})


def read_hr(
    path: str | Path | Sequence[str | Path],
    *,
    columns: Mapping[str, str] | None = None,
    ignore_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Read the HR register (one row per unit per period; DESIGN.md §2).

    ``theoretical_hours_per_fte`` defaults to 1 850 where the file lacks it.
    Raises :class:`DataValidationError` listing every problem found.
    """
    problems: list[Problem] = []
    read = _read_table(
        _as_paths(path), "hr", problems, columns=columns, ignore_columns=ignore_columns
    )
    return _hr_defaults(_finish(read, problems))


def read_finance(
    path: str | Path | Sequence[str | Path],
    *,
    columns: Mapping[str, str] | None = None,
    ignore_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Read the finance table (one row per organisation or unit per period).

    An empty ``unit`` marks an organisation-level row.
    Raises :class:`DataValidationError` listing every problem found.
    """
    problems: list[Problem] = []
    read = _read_table(
        _as_paths(path), "finance", problems, columns=columns, ignore_columns=ignore_columns
    )
    return _finish(read, problems)


def _hr_defaults(hr: pd.DataFrame) -> pd.DataFrame:
    if "theoretical_hours_per_fte" not in hr.columns:
        hr = hr.assign(theoretical_hours_per_fte=1850.0)
    else:
        hr = hr.assign(theoretical_hours_per_fte=hr["theoretical_hours_per_fte"].fillna(1850.0))
    return hr


def _instruments(
    spec: str | Path | Instrument | Sequence[str | Path | Instrument],
) -> tuple[Instrument, ...]:
    if isinstance(spec, str | Path | Instrument):
        return (load_instrument(spec),)
    return tuple(load_instrument(s) for s in spec)


# --------------------------------------------------------------------------- datasets

_DATASET_KEYS = {"name", "instrument", "instruments", "files", "wave_period", "columns"}
_DATASET_KEYS |= {"ignore_columns", "sheet", "description"}
_FILE_KEYS = {"survey": "responses", "units": "units", "hr": "hr", "finance": "finance"}


def load_dataset(folder: str | Path) -> Dataset:
    """Read and validate every table of a dataset folder (see the module docstring).

    Parameters
    ----------
    folder : str or Path
        A folder with ``dataset.yaml`` and the files it names.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        Listing every problem in every file, and across files (units that
        answered but are missing from the unit list, more respondents than
        invited, periods with no survey wave …), each naming file, row, column.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    config = _read_config(folder, problems)
    if config is None:
        raise DataValidationError(problems)
    name = str(config.get("name") or folder.resolve().name)
    try:
        instruments = _config_instruments(config, folder)
    except HRProductivityError as exc:
        raise DataValidationError(
            [Problem("dataset.yaml", None, "instruments", str(exc))]
        ) from None
    wave_period = {str(k): str(v) for k, v in (config.get("wave_period") or {}).items()}
    mapping = config.get("columns") or {}
    flat = {k: v for k, v in mapping.items() if not isinstance(v, dict)}
    ignore = [str(c) for c in config.get("ignore_columns") or []]
    files = _config_files(config, folder, problems)

    reads: dict[str, _Read] = {}
    for key, table in _FILE_KEYS.items():
        paths = files.get(key, [])
        if not paths:
            continue
        columns = flat | dict(mapping.get(key) or {})
        reads[table] = _read_table(
            paths,
            _KIND_OF_TABLE[table],
            problems,
            instruments=instruments,
            columns=columns,
            ignore_columns=ignore,
            sheet=config.get("sheet", 0),
        )
    frames = {t: r.frame for t, r in reads.items()}
    for table in TABLES:
        if table not in frames:
            frames[table] = schemas.empty_frame(_KIND_OF_TABLE[table], instruments)
    dataset = Dataset(
        name=name,
        responses=frames["responses"],
        units=frames["units"],
        hr=frames["hr"],
        finance=frames["finance"],
        instruments=instruments,
        wave_period=wave_period,
        folder=folder,
        sources={p.name: _sha256(p) for ps in files.values() for p in ps if p.is_file()},
        value_labels={k: v for r in reads.values() for k, v in r.value_labels.items()},
    )
    problems += _cross_problems(dataset, {t: r.locate for t, r in reads.items()})
    if problems:
        raise DataValidationError(problems)
    return Dataset(
        name=dataset.name,
        responses=dataset.responses.reset_index(drop=True),
        units=dataset.units.astype({"invited": "int64"}).reset_index(drop=True),
        hr=_hr_defaults(dataset.hr).reset_index(drop=True),
        finance=dataset.finance.reset_index(drop=True),
        instruments=instruments,
        wave_period=wave_period,
        folder=folder,
        sources=dataset.sources,
        value_labels=dataset.value_labels,
    )


def _read_config(folder: Path, problems: list[Problem]) -> dict[str, Any] | None:
    path = folder / "dataset.yaml"
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, None, "no such folder"))
        return None
    if not path.is_file():
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                f"missing in {folder}; it names the instrument, the files "
                "and the wave↔period mapping",
            )
        )
        return None
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem("dataset.yaml", None, None, f"not valid YAML: {exc}"))
        return None
    if not isinstance(config, dict):
        problems.append(Problem("dataset.yaml", None, None, "must be a mapping of keys to values"))
        return None
    for key in sorted(set(config) - _DATASET_KEYS):
        problems.append(
            Problem(
                "dataset.yaml", None, key, f"unknown key; use {', '.join(sorted(_DATASET_KEYS))}"
            )
        )
    if not config.get("wave_period") or not isinstance(config["wave_period"], dict):
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                "wave_period",
                'is missing; map each survey wave to its HR/finance period, e.g. {"2022": "2022"}',
            )
        )
    if "columns" in config and not isinstance(config["columns"], dict):
        problems.append(
            Problem("dataset.yaml", None, "columns", "must map export headers to names")
        )
        config["columns"] = {}
    return None if problems else config


def _config_instruments(config: Mapping[str, Any], folder: Path) -> tuple[Instrument, ...]:
    spec = config.get("instruments", config.get("instrument", "qwl15"))
    names = spec if isinstance(spec, list) else [spec]
    out = []
    for n in names:
        local = folder / str(n)
        out.append(load_instrument(local if local.suffix in (".yaml", ".yml") else str(n)))
    return tuple(out)


def _config_files(
    config: Mapping[str, Any], folder: Path, problems: list[Problem]
) -> dict[str, list[Path]]:
    declared = config.get("files")
    files: dict[str, list[Path]] = {}
    if declared is None:
        for key in _FILE_KEYS:
            found = sorted(p for p in folder.glob(f"{key}.*") if p.suffix.lower() in _SUFFIXES)
            if found:
                files[key] = found[:1]
    elif not isinstance(declared, dict):
        problems.append(
            Problem("dataset.yaml", None, "files", "must map survey/units/hr/finance to files")
        )
    else:
        for key, value in declared.items():
            if key not in _FILE_KEYS:
                problems.append(
                    Problem(
                        "dataset.yaml",
                        None,
                        f"files.{key}",
                        "unknown table; use survey, units, hr, finance",
                    )
                )
                continue
            names = value if isinstance(value, list) else [value]
            files[key] = [folder / str(n) for n in names]
    for key in ("survey", "units"):
        if key not in files:
            problems.append(Problem("dataset.yaml", None, f"files.{key}", f"no {key} file found"))
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def validate(dataset: Dataset, *, raise_on_error: bool = True) -> ValidationReport:
    """Check a dataset's tables against the data contract, within and across tables.

    Parameters
    ----------
    dataset : Dataset
        E.g. from :func:`hrproductivity.synthetic.generate` or built by hand.
        (:func:`load_dataset` runs the same checks while reading.)
    raise_on_error : bool
        Raise :class:`DataValidationError` when anything is found (default), or
        return the report regardless.

    Returns
    -------
    ValidationReport
    """
    problems: list[Problem] = []
    reads = {}
    for table in TABLES:
        frame = dataset.table(table).reset_index(drop=True)
        read = _Read(frame, [_Segment(table, 0, len(frame), 2)])
        kind = _KIND_OF_TABLE[table]
        spec = schemas.table_spec(kind, dataset.instruments)
        for c in spec.required:
            if c not in frame.columns and not frame.empty:
                problems.append(Problem(table, None, c, "required column is missing"))
        _schema_problems(read, kind, dataset.instruments, problems)
        _duplicate_problems(read, spec, kind, problems)
        reads[table] = read
    problems += _cross_problems(dataset, {t: r.locate for t, r in reads.items()})
    report = ValidationReport(tuple(sorted(problems)), {t: len(dataset.table(t)) for t in TABLES})
    if problems and raise_on_error:
        raise DataValidationError(problems)
    return report


def _cross_problems(dataset: Dataset, locate: Mapping[str, Any]) -> list[Problem]:
    """Checks across tables: every answering unit listed, never more answers than invitations."""
    problems: list[Problem] = []
    resp, units = dataset.responses, dataset.units
    key = ["org", "unit", "wave"]
    needed = {"responses": key, "units": [*key, "invited"], "hr": ["org", "unit", "period"]}
    needed["finance"] = needed["hr"]
    if any(not set(cols) <= set(dataset.table(t).columns) for t, cols in needed.items()):
        return problems  # a missing column is reported already; cross checks would only echo it
    if not resp.empty and not units.empty:
        counts = resp.groupby(key, sort=False).size().rename("n").reset_index()
        first = (
            resp.reset_index(names="first_index")
            .groupby(key, sort=False)["first_index"]
            .min()
            .reset_index()
        )
        counts = counts.merge(first, on=key)
        u = units.reset_index(names="unit_index")
        merged = counts.merge(u[[*key, "invited", "unit_index"]], on=key, how="left")
        for row in merged[merged["unit_index"].isna()].itertuples(index=False):
            file, r = locate["responses"](int(row.first_index))
            problems.append(
                Problem(
                    file,
                    r,
                    "unit",
                    f"unit '{row.unit}' of org '{row.org}' in wave '{row.wave}' "
                    "is not in the unit list",
                )
            )
        over = merged[merged["unit_index"].notna() & (merged["n"] > merged["invited"])]
        for row in over.itertuples(index=False):
            file, r = locate["units"](int(row.unit_index))
            problems.append(
                Problem(
                    file,
                    r,
                    "invited",
                    f"{row.n} respondents answered in unit '{row.unit}' of org '{row.org}' "
                    f"in wave '{row.wave}' but only {int(row.invited)} were invited",
                )
            )
    waves = set(resp["wave"].dropna().unique()) | set(units["wave"].dropna().unique())
    for w in sorted(waves - set(dataset.wave_period)):
        problems.append(
            Problem("dataset.yaml", None, "wave_period", f"survey wave '{w}' has no period mapping")
        )
    periods = set(dataset.wave_period.values())
    listed = set(map(tuple, units[["org", "unit"]].drop_duplicates().to_numpy().tolist()))
    for table in ("hr", "finance"):
        frame = dataset.table(table)
        if frame.empty:
            continue
        indexed = frame.reset_index(names="first_index")
        for period, idx in indexed.groupby("period", sort=True)["first_index"].min().items():
            if period not in periods:
                file, r = locate[table](int(idx))
                problems.append(
                    Problem(
                        file,
                        r,
                        "period",
                        f"period '{period}' pairs with no survey wave; "
                        "add it under wave_period in dataset.yaml",
                    )
                )
        with_unit = indexed[indexed["unit"].notna()]
        if units.empty:
            continue
        firsts = with_unit.groupby(["org", "unit"], sort=True)["first_index"].min()
        for (org, unit), idx in firsts.items():
            if (org, unit) not in listed:
                file, r = locate[table](int(idx))
                problems.append(
                    Problem(
                        file, r, "unit", f"unit '{unit}' of org '{org}' is not in the unit list"
                    )
                )
    return problems


# --------------------------------------------------------------------------- writing


def _atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder, then rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_dataset(dataset: Dataset, folder: str | Path) -> Path:
    """Write a dataset as a raw dataset folder (CSV files and ``dataset.yaml``).

    Used to create the bundled example from :mod:`hrproductivity.synthetic`;
    the result reads back with :func:`load_dataset`.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(folder)
    names = {
        "responses": "survey.csv",
        "units": "units.csv",
        "hr": "hr.csv",
        "finance": "finance.csv",
    }
    for table, fname in names.items():
        frame = dataset.table(table).copy()
        for c in frame.columns:
            col = frame[c]
            if pd.api.types.is_float_dtype(col):
                whole = col.dropna()
                frame[c] = col.astype("Int64") if (whole == whole.round()).all() else col.round(4)
        _atomic_write(
            folder / fname, lambda p, f=frame: f.to_csv(p, index=False, lineterminator="\n")
        )
    config = {
        "name": dataset.name,
        "instruments": [i.name for i in dataset.instruments],
        "files": {
            "survey": "survey.csv",
            "units": "units.csv",
            "hr": "hr.csv",
            "finance": "finance.csv",
        },
        "wave_period": dict(dataset.wave_period),
    }
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    _atomic_write(folder / "dataset.yaml", lambda p: p.write_text(text, encoding="utf-8"))
    return folder


def _versions() -> dict[str, str]:
    names = ("hrproductivity", "pandas", "numpy", "pyarrow", "pandera", "statsmodels", "scipy")
    return {n: version(n) for n in names}


def process(folder: str | Path, *, out: str | Path) -> Path:
    """Validate a dataset folder and write its tidy tables as parquet with a manifest.

    Parameters
    ----------
    folder : str or Path
        The raw dataset folder; it is only read.
    out : str or Path
        Where to write ``responses.parquet``, ``units.parquet``, ``hr.parquet``,
        ``finance.parquet`` and ``manifest.json`` (input file hashes, package
        versions, row counts). Each file is written atomically.

    Returns
    -------
    Path
        The path of ``manifest.json``.

    Raises
    ------
    DataValidationError
        When the raw data break the contract; nothing is written then.
    """
    dataset = load_dataset(folder)
    out = Path(out)
    rows = {}
    for table in TABLES:
        frame = dataset.table(table)
        rows[table] = len(frame)
        _atomic_write(out / f"{table}.parquet", lambda p, f=frame: f.to_parquet(p, index=False))
    manifest = {
        "dataset": dataset.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_folder": str(Path(folder).resolve()),
        "inputs": dict(sorted(dataset.sources.items())),
        "instruments": [i.name for i in dataset.instruments],
        "wave_period": dict(dataset.wave_period),
        "rows": rows,
        "versions": _versions(),
    }
    path = out / "manifest.json"
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    _atomic_write(path, lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return path


def read_processed(folder: str | Path) -> Dataset:
    """Read tables written by :func:`process` back into a :class:`Dataset`."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    frames = {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}
    return Dataset(
        name=manifest["dataset"],
        responses=frames["responses"],
        units=frames["units"],
        hr=frames["hr"],
        finance=frames["finance"],
        instruments=tuple(load_instrument(n) for n in manifest["instruments"]),
        wave_period=manifest["wave_period"],
        folder=folder,
        sources=manifest["inputs"],
    )
