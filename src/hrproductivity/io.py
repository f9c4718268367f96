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
    waves: ["2022", "2023"]       # optional: the survey waves in time order, oldest first
    columns:                      # optional: export headers -> contract names
      survey: {Vastaajatunnus: respondent, Yksikkö: unit}
    ignore_columns: [Aikaleima]   # optional: export columns to leave out

``waves`` is required when the wave labels do not sort in time by themselves
(``"syksy 2023"``, ``"kevät 2024"``); without it the time order is derived only
from years, ISO dates, months (``2023-10``) or quarters (``2023-Q4``,
``2023Q4``), see :func:`time_order`.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from hrproductivity import schemas
from hrproductivity._files import (
    REPORT_CACHE,
    SLUG,
    apart,
    atomic_write,
    inside,
    replace_folder,
    unsafe_part,
)
from hrproductivity._versions import versions
from hrproductivity._yaml import AliasRefused, load_yaml
from hrproductivity.errors import (
    DataValidationError,
    HRProductivityError,
    InstrumentError,
    Problem,
    UnknownNameError,
)
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
    "time_order",
    "validate",
    "write_dataset",
]

TABLES = ("responses", "units", "hr", "finance")
_KIND_OF_TABLE = {"responses": "survey", "units": "units", "hr": "hr", "finance": "finance"}
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel"}
_SUFFIXES |= {".sav": "sav", ".zsav": "sav", ".parquet": "parquet", ".pq": "parquet"}
# UTF-8 read as cp1252 and saved again: ä→Ã¤, ö→Ã¶, å→Ã¥, Ä→Ã„, Ö→Ã–, Å→Ã…
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u2013\u201e\u2026]")
_MAX_ROWS_PER_PROBLEM = 10
_HUGE = schemas.LARGEST_AMOUNT


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
        One row per unit per period (columns: docs/data-contract.md, "The tables").
    finance : DataFrame
        One row per organisation (``unit`` missing) or unit per period.
    instruments : tuple of Instrument
        The instruments whose items the survey holds; the first is the main one.
    wave_period : mapping of str to str
        Which HR/finance period each survey wave pairs with.
    folder : Path or None
        Where the raw files were read from.
    sources : mapping of str to str
        SHA-256 of each raw file read, by its path within the dataset folder.
    value_labels : mapping
        SPSS value labels by column, when a ``.sav`` file was read.
    truth : mapping or None
        For synthetic data: the true parameters of the generating model.
    wave_order : tuple of str or None
        The survey waves in time order as declared (``waves:`` in
        ``dataset.yaml``); ``None`` derives the order from the labels
        (:func:`time_order`).
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
    wave_order: tuple[str, ...] | None = None

    @property
    def instrument(self) -> Instrument:
        """The main instrument (the first one declared)."""
        return self.instruments[0]

    @property
    def waves(self) -> list[str]:
        """Survey waves in time order, oldest first; the last is the latest.

        Raises
        ------
        DataValidationError
            The order is neither declared (:attr:`wave_order`) nor derivable
            from the labels (see :func:`time_order`).
        """
        return time_order(self.responses["wave"], self.wave_order)

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


# --------------------------------------------------------------------------- time order

# Label forms whose time order is unambiguous. Each gives a tuple of integers that sorts in
# time; labels of different forms are not compared (is "2023" before or after "2023-06"?).
_TIME_FORMS = (
    ("year", re.compile(r"(\d+)")),
    ("date", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})-?[Qq]([1-4])")),
)
_WAVES_EXAMPLE = 'e.g. waves: ["syksy 2023", "kevät 2024"]'


def _time_key(label: str) -> tuple[str, tuple[int, ...]] | None:
    """The form of a label and its place in time, or ``None`` when it has no such form."""
    for form, pattern in _TIME_FORMS:
        match = pattern.fullmatch(label.strip())
        if match is None:
            continue
        parts = tuple(int(g) for g in match.groups())
        if form == "date":
            try:
                datetime(*parts)  # type: ignore[arg-type]  # (year, month, day)
            except ValueError:
                return None
        if form == "month" and not 1 <= parts[1] <= 12:
            return None
        return form, parts
    return None


def _shown(labels: Sequence[str], limit: int = 10) -> str:
    quoted = ", ".join(f"'{w}'" for w in labels[:limit])
    return quoted + (f" … ({len(labels)} waves)" if len(labels) > limit else "")


def _undeclared_order(labels: Sequence[str]) -> str | None:
    """Why ``labels`` have no time order of their own, or ``None`` when they have one."""
    keys = [_time_key(w) for w in labels]
    forms = {k[0] for k in keys if k is not None}
    places = [k[1] for k in keys if k is not None]
    if None not in keys and len(forms) <= 1 and len(set(places)) == len(places):
        return None
    return (
        f"the survey waves {_shown(sorted(labels))} do not sort in time by themselves (only "
        "years, ISO dates 2023-10-01, months 2023-10 or quarters 2023-Q4 do, all labels in "
        "one form); add the key 'waves' listing every wave in time order, oldest first, "
        + _WAVES_EXAMPLE
    )


def _unlisted(missing: Sequence[str]) -> str:
    return (
        f"key 'waves' does not list the survey waves {_shown(missing)}; add each in its "
        "place in time order, oldest first"
    )


def time_order(labels: Iterable[object], declared: Sequence[str] | None = None) -> list[str]:
    """The distinct wave labels in time order, oldest first; never an alphabetical guess.

    Parameters
    ----------
    labels : iterable
        Wave (or period) labels, e.g. a ``wave`` column; missing values are left out.
    declared : sequence of str, optional
        The waves in time order as the data contract declares them (``waves:`` in
        ``dataset.yaml``, :attr:`Dataset.wave_order`). Labels it lists but
        ``labels`` lack are left out.

    Returns
    -------
    list of str

    Raises
    ------
    DataValidationError
        ``declared`` misses a label; or, without ``declared``, the labels are not all of
        one form that sorts in time (below), or two labels name the same time.

    Notes
    -----
    Without ``declared`` the order is derived only when it is unambiguous: every label
    is a whole number (a year, or a wave number: 9 before 10), or every label is an ISO
    date ``YYYY-MM-DD``, a month ``YYYY-MM``, or a quarter ``YYYY-Qn`` / ``YYYYQn``.
    Any other text ("syksy 2023", "Q32011") needs the declared order, since a text sort
    silently reorders waves (docs/models.md, "Time order").

    Examples
    --------
    >>> time_order(["2023-Q4", "2024-Q1", "2023Q3"])
    ['2023Q3', '2023-Q4', '2024-Q1']
    >>> time_order(["kevät 2024", "syksy 2023"], ["syksy 2023", "kevät 2024"])
    ['syksy 2023', 'kevät 2024']
    """
    values = labels.dropna().unique() if isinstance(labels, pd.Series) else labels
    present = list(dict.fromkeys(str(w) for w in values if not pd.isna(w)))
    if declared is not None:
        listed, found = set(declared), set(present)
        missing = sorted(w for w in found if w not in listed)
        if missing:
            raise DataValidationError([Problem("dataset.yaml", None, None, _unlisted(missing))])
        return [w for w in dict.fromkeys(declared) if w in found]
    why = _undeclared_order(present)
    if why is not None:
        raise DataValidationError([Problem("dataset.yaml", None, None, why)])
    return sorted(present, key=lambda w: _time_key(w) or ("", ()))


def _wave_order_problems(dataset: Dataset) -> list[Problem]:
    """The declared order lists every wave of the survey and unit list once; or, with none
    declared, the labels sort in time by themselves."""
    present = sorted(
        w
        for w in set(dataset.responses["wave"].dropna().astype("str").unique())
        | set(dataset.units["wave"].dropna().astype("str").unique())
        if unsafe_part(w) is None  # an unsafe label has its own line; no second one here
    )
    if dataset.wave_order is None:
        why = _undeclared_order(present)
        return [] if why is None else [Problem("dataset.yaml", None, None, why)]
    declared = list(dataset.wave_order)
    messages = [
        f"key 'waves' names wave '{w}' {declared.count(w)} times; list each wave once"
        for w in dict.fromkeys(declared)
        if declared.count(w) > 1
    ]
    listed, found = set(declared), set(present)
    missing = [w for w in present if w not in listed]
    if missing:
        messages.append(_unlisted(missing))
    for w in dict.fromkeys(declared):
        if w not in found:
            near = difflib.get_close_matches(w, missing, n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            messages.append(
                f"key 'waves' names '{w}', a wave of neither the survey nor the unit list; "
                f"{hint}correct it or remove it"
            )
    return [Problem("dataset.yaml", None, None, m) for m in messages]


# --------------------------------------------------------------------------- reading


@dataclass
class _Segment:
    """Where the rows of a table came from, to name file and row in messages."""

    file: str
    start: int  # first index of the segment in the concatenated table
    length: int
    rows: Sequence[int]  # the row number a spreadsheet shows for each record of the segment


@dataclass
class _Read:
    frame: pd.DataFrame
    segments: list[_Segment]
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)

    def locate(self, index: int) -> tuple[str, int]:
        for seg in self.segments:
            if seg.start <= index < seg.start + seg.length:
                return seg.file, int(seg.rows[index - seg.start])
        return (self.segments[0].file if self.segments else "?"), index + 2


_KIND_TEXT = {"excel": "an Excel workbook", "sav": "an SPSS .sav file", "parquet": "a parquet file"}
_FORMATS = "CSV (.csv, .txt), Excel (.xlsx, .xlsm), SPSS (.sav, .zsav) or parquet (.parquet, .pq)"
_SAVE_UTF8 = "save it as 'CSV UTF-8'"


def _read_file(
    path: Path,
    problems: list[Problem],
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    spec: schemas.TableSpec | None = None,
    columns: Mapping[str, str] | None = None,
    table: str = "survey",
) -> tuple[pd.DataFrame, Sequence[int], str, dict[str, dict[Any, str]]] | None:
    """Read one file as it is: the frame, each record's row number, its decimal mark, labels.

    ``header_row`` (1-based) says where the header is; by default it is the first
    row that holds anything. When that row names none of the ``spec``'s columns
    but a row below it (or another sheet of a workbook) does, one problem says
    where the header is instead of a line for every column.
    """
    name = path.name
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        problems.append(
            Problem(
                name, None, None, f"unsupported file type '{path.suffix}'; save it as {_FORMATS}"
            )
        )
        return None
    if not path.is_file():
        problems.append(
            Problem(
                name,
                None,
                None,
                f"file not found in folder '{path.parent}'; check the file name and its "
                "extension (in a dataset folder: under 'files' in dataset.yaml)",
            )
        )
        return None
    if path.stat().st_size == 0:
        problems.append(
            Problem(name, None, None, "the file is empty (0 bytes); export the table again")
        )
        return None
    labels: dict[str, dict[Any, str]] = {}
    decimal = "."
    try:
        if kind == "csv":
            text = _decode(path.read_bytes(), name, problems)
            if text is None:
                return None
            # Blank lines before the header still count as spreadsheet rows.
            lead = len(text) - len(text.lstrip("\n"))
            text = text[lead:]
            start_row = lead + 1
            head = _head_lines(text, _HEADER_SEARCH_ROWS + 1)
            # the separator from the first line that has one: a title line above the
            # header (exported from a sheet) may have none
            first_line = next((h for h in head if any(c in h for c in ";,\t")), head[0])
            sep = max((";", ",", "\t"), key=first_line.count)
            decimal = "," if sep == ";" else "."
            if header_row is not None:
                skip = header_row - start_row
                if not _header_row_inside(
                    name, header_row, skip, text.rstrip("\n").count("\n") + 1, problems
                ):
                    return None
                if skip:
                    text = text[_line_offset(text, skip) :]
                    head = _head_lines(text, _HEADER_SEARCH_ROWS + 1)
                start_row = header_row
            records = list(csv.reader(head, delimiter=sep, skipinitialspace=True))
            if spec is not None and _misplaced_header(
                path,
                kind,
                records,
                start_row,
                header_row,
                sheet,
                spec,
                columns or {},
                problems,
                table,
            ):
                return None
            try:
                # header=None: pandas would otherwise rename a repeated header ('x.1') and,
                # when every row has more fields than the header, silently take the first
                # column as the index, shifting every column by one.
                raw = pd.read_csv(
                    io.StringIO(text),
                    sep=sep,
                    header=None,
                    dtype=str,
                    keep_default_na=False,
                    na_values=[""],
                    skipinitialspace=True,
                    skip_blank_lines=False,
                )
            except pd.errors.ParserError:
                _ragged_problems(text, sep, name, start_row - 1, problems)
                return None
        elif kind == "excel":
            with pd.ExcelFile(path, engine="openpyxl") as book:
                names = [str(n) for n in book.sheet_names]
                wanted = sheet or 0
                found = (isinstance(wanted, str) and wanted in names) or (
                    isinstance(wanted, int) and wanted < len(names)
                )
                if found:
                    raw = pd.read_excel(book, sheet_name=wanted, header=None, dtype=str)
            if not found:
                problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        f"the workbook has no sheet {wanted!r} ('sheet' in dataset.yaml); its "
                        f"sheets are {', '.join(repr(n) for n in names)}: name one of them",
                    )
                )
                return None
            start_row = 1
            if header_row is not None:
                if not _header_row_inside(name, header_row, header_row - 1, len(raw), problems):
                    return None
                raw = raw.iloc[header_row - 1 :]
                start_row = header_row
            records = raw.iloc[: _HEADER_SEARCH_ROWS + 1].to_numpy().tolist()
            if spec is not None and _misplaced_header(
                path,
                kind,
                records,
                start_row,
                header_row,
                sheet,
                spec,
                columns or {},
                problems,
                table,
            ):
                return None
        elif kind == "sav":
            import pyreadstat

            frame, meta = pyreadstat.read_sav(str(path))
            labels = {
                unicodedata.normalize("NFC", str(k)).strip(): dict(v)
                for k, v in meta.variable_value_labels.items()
            }
        else:
            frame = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        problems.append(Problem(name, None, None, "the file is empty; export the table again"))
        return None
    except Exception as exc:  # noqa: BLE001 - any reader failure is reported, not raised
        what = _KIND_TEXT.get(kind, kind)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        problems.append(
            Problem(
                name,
                None,
                None,
                f"cannot be read as {what} ({detail}); check that it really is one (open it "
                f"and save it again), or {_SAVE_UTF8}",
            )
        )
        return None
    if kind in ("csv", "excel"):
        split = _split_header(raw, start_row, name, problems)
        if split is None:
            where = "the sheet is empty" if kind == "excel" else "the file holds no values"
            problems.append(Problem(name, None, None, f"{where}; export the table again"))
            return None
        frame, rows = split
    else:
        frame.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in frame.columns]
        rows = range(1, len(frame) + 1)
    if frame.empty:
        problems.append(
            Problem(name, None, None, "the file has a header row but no data rows; export it again")
        )
        return None
    return frame, rows, decimal, labels


def _split_header(
    raw: pd.DataFrame, header_row: int, name: str, problems: list[Problem]
) -> tuple[pd.DataFrame, Sequence[int]] | None:
    """Take the first non-empty record as the header; drop blank rows but keep every record's
    row number as a spreadsheet shows it. ``None`` when no record holds anything."""
    filled = raw.notna().to_numpy().any(axis=1).nonzero()[0]
    if not len(filled):
        return None
    top = int(filled[0])  # empty rows above the header (e.g. in a sheet) still count
    header_row += top
    header = [_header_name(h) for h in raw.iloc[top]]
    body = raw.iloc[top + 1 :].reset_index(drop=True)
    keep = []
    for j, h in enumerate(header):
        if h:
            keep.append(j)
        elif body.iloc[:, j].notna().any():
            problems.append(
                Problem(
                    name,
                    header_row,
                    None,
                    f"column {_column_letter(j)} (number {j + 1}) has values but no header; "
                    "give it a name or delete the column",
                )
            )
    body = body.iloc[:, keep]
    body.columns = pd.Index([header[j] for j in keep], dtype=object)
    nonblank = body.notna().to_numpy().any(axis=1)
    rows = (header_row + 1 + nonblank.nonzero()[0]).tolist()
    return body.loc[nonblank].reset_index(drop=True), rows


def _header_name(value: object) -> str:
    """A header cell as a column name: trimmed, BOM removed, composed (NFC) like the data."""
    if pd.isna(value):
        return ""
    return unicodedata.normalize("NFC", str(value).strip().lstrip("\ufeff").strip())


_HEADER_SEARCH_ROWS = 30  # how far down a sheet or file a misplaced header is looked for


def _contract_names(
    values: Iterable[object], spec: schemas.TableSpec, columns: Mapping[str, str]
) -> int:
    """How many of the table's required columns a row names (after the 'columns' mapping)."""
    names = {_header_name(v) for v in values}
    return len({columns.get(n, n) for n in names} & set(spec.required))


def _head_lines(text: str, n: int) -> list[str]:
    """The first ``n`` lines of ``text`` (without copying the rest of a large file)."""
    return text[: _line_offset(text, n)].split("\n")[:n]


def _line_offset(text: str, n: int) -> int:
    """Where line ``n + 1`` of ``text`` starts (the length of the first ``n`` lines)."""
    at = 0
    for _ in range(n):
        nl = text.find("\n", at)
        if nl < 0:
            return len(text)
        at = nl + 1
    return at


def _header_row_inside(
    name: str, header_row: int, skip: int, n: int, problems: list[Problem]
) -> bool:
    if 0 <= skip < n:
        return True
    problems.append(
        Problem(
            name,
            None,
            None,
            f"'header_row: {header_row}' in dataset.yaml is not a row of the file, which "
            f"has rows {header_row - skip}–{header_row - skip + n - 1}; correct it",
        )
    )
    return False


def _misplaced_header(
    path: Path,
    kind: str,
    records: Sequence[Sequence[object]],
    start_row: int,
    header_row: int | None,
    sheet: str | int | None,
    spec: schemas.TableSpec,
    columns: Mapping[str, str],
    problems: list[Problem],
    table: str = "survey",
) -> bool:
    """Report (and return True) when the header is not where the reading would take it.

    ``records`` are the first rows from ``start_row`` on. The header is the
    ``header_row`` (when dataset.yaml names one) or the first non-empty row; when
    it names fewer than two required columns but a row in the next
    :data:`_HEADER_SEARCH_ROWS` rows names more (a title above the table), or,
    in a workbook read from its first sheet, another sheet does, one problem
    says where the header is.
    """
    filled = [k for k, r in enumerate(records) if any(_header_name(v) for v in r)]
    top = 0 if header_row is not None or not filled else filled[0]
    first = _contract_names(records[top], spec, columns) if records else 0
    if first >= 2:
        return False
    for k in range(top + 1, len(records)):
        if _contract_names(records[k], spec, columns) > max(first, 1):
            row, at = start_row + k, start_row + top
            if header_row is not None:
                fix = f"set 'header_row: {row}' in dataset.yaml"
                where = f"row {at}, which 'header_row' in dataset.yaml names"
            else:
                above = f"row {row - 1}" if row - 1 == start_row else f"rows {start_row}–{row - 1}"
                fix = f"delete {above} above it, or add 'header_row: {row}' to dataset.yaml"
                where = f"row {at}"
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    f"the header (the column names) is on row {row}, not on {where}; {fix}",
                )
            )
            return True
    if header_row is not None:
        problems.append(
            Problem(
                path.name,
                None,
                None,
                f"row {header_row}, which 'header_row' in dataset.yaml names, does not hold the "
                "column names; correct it, or give it for this table only, e.g. "
                f"header_row: {{{table}: {header_row}}}",
            )
        )
        return True
    if kind != "excel" or sheet is not None:
        return False
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(n) for n in book.sheet_names]
            for other in names[1:]:
                part = pd.read_excel(
                    book, sheet_name=other, header=None, dtype=str, nrows=_HEADER_SEARCH_ROWS
                )
                if any(_contract_names(r, spec, columns) >= 2 for r in part.to_numpy().tolist()):
                    break
            else:
                return False
    except Exception:  # noqa: BLE001 - only a hint; the ordinary messages follow
        return False
    problems.append(
        Problem(
            path.name,
            None,
            None,
            f"the first sheet '{names[0]}' does not hold the table, but sheet '{other}' does; "
            f"add 'sheet: {other}' to dataset.yaml, or move that sheet first",
        )
    )
    return True


def _column_letter(j: int) -> str:
    """The spreadsheet letter of the 0-based column ``j`` (0 → A, 26 → AA)."""
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(ord("A") + r) + letters
    return letters


def _ragged_problems(text: str, sep: str, name: str, lead: int, problems: list[Problem]) -> None:
    """Name every row that has more values than the header has columns."""
    records = csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True)
    expected = 0
    rows: list[int] = []
    messages: list[str] = []
    for i, record in enumerate(records):
        if i == 0:
            expected = len(record)
        elif len(record) > expected:
            rows.append(lead + i + 1)
            messages.append(
                f"the row has {len(record)} values but the header has {expected}; "
                + (
                    "an unquoted ',' inside a value (e.g. a decimal comma, 7,5) splits it: use "
                    "decimal points, quote such values, or save the file with ';' as separator"
                    if sep == ","
                    else f"an unquoted {sep!r} inside a value splits it: put such values in quotes"
                )
            )
    if not rows:  # the csv module and pandas disagree; report what pandas saw
        problems.append(
            Problem(name, None, None, "cannot be read as a table; check its separators and quotes")
        )
        return
    _add_row_problems(problems, name, rows, None, messages)


def _decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(
            Problem(
                name,
                None,
                None,
                "the file holds only spaces or blank lines; export the table again",
            )
        )
        return None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        problems.append(
            Problem(name, None, None, f"the file is UTF-16 or binary, not CSV text; {_SAVE_UTF8}")
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
                    data[: exc.start].count(b"\n") + 1,
                    None,
                    f"byte 0x{data[exc.start]:02x} is neither UTF-8 nor Windows-1252 (cp1252) "
                    f"text, so the file's encoding is unknown; {_SAVE_UTF8}",
                )
            )
            return None
    found = _MOJIBAKE.search(text)
    if found:
        problems.append(
            Problem(
                name,
                text.count("\n", 0, found.start()) + 1,
                None,
                f"'{found.group()}' looks like '{_undo_mojibake(found.group())}' encoded twice "
                "(opened with the wrong encoding and saved again); export the table again from "
                f"its source and {_SAVE_UTF8}",
            )
        )
        return None
    return text.replace("\r\n", "\n")


def _undo_mojibake(text: str) -> str:
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return "?"


def _read_table(
    paths: Sequence[Path],
    kind: str,
    problems: list[Problem],
    *,
    instruments: Sequence[Instrument] = (),
    columns: Mapping[str, str] | None = None,
    ignore_columns: Iterable[str] = (),
    sheet: str | int | None = None,
    header_row: int | None = None,
) -> _Read:
    spec = schemas.table_spec(kind, instruments)
    parts: list[pd.DataFrame] = []
    segments: list[_Segment] = []
    labels: dict[str, dict[Any, str]] = {}
    start = 0
    for path in paths:
        got = _read_file(
            path,
            problems,
            sheet=sheet,
            header_row=header_row,
            spec=spec,
            columns=columns,
            table=kind,
        )
        if got is None:
            continue
        frame, rows, decimal, file_labels = got
        frame = _apply_value_labels(frame, file_labels, spec, columns or {})
        frame = _coerce(frame, spec, path.name, rows, decimal, problems, columns, ignore_columns)
        labels |= file_labels
        frame.index = pd.RangeIndex(start, start + len(frame))
        segments.append(_Segment(path.name, start, len(frame), rows))
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
    _row_problems(read, kind, problems)
    return read


def _apply_value_labels(
    frame: pd.DataFrame,
    labels: Mapping[str, Mapping[Any, str]],
    spec: schemas.TableSpec,
    columns: Mapping[str, str],
) -> pd.DataFrame:
    """Replace SPSS codes by their value labels in the table's text columns.

    An SPSS export stores ``org`` and ``unit`` as codes (3) with labels
    ("Kotihoito Itä"); the contract's names are the labels. Answer columns keep
    their codes: those are the answers. A code without a label stays as it is.
    """
    if not labels:
        return frame
    out = {}
    for c in frame.columns:
        target = columns.get(c, c)
        col = frame[c]
        if c in labels and (target in spec.text or target.startswith("comment_")):
            mapping = labels[c]

            def label(v: object, mapping: Mapping[Any, str] = mapping) -> object:
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    return None
                if v in mapping:
                    return mapping[v]
                if isinstance(v, float) and v == round(v):
                    return str(int(v))
                return str(v)

            col = col.map(label).astype("str").mask(col.isna())
        out[c] = col
    return pd.DataFrame(out, index=frame.index)


def _coerce(
    frame: pd.DataFrame,
    spec: schemas.TableSpec,
    file: str,
    rows: Sequence[int],
    decimal: str,
    problems: list[Problem],
    columns: Mapping[str, str] | None,
    ignore_columns: Iterable[str],
) -> pd.DataFrame:
    """Map headers, check the column set, parse numbers and text; report, never guess."""
    if columns:
        frame = frame.rename(columns=dict(columns))
    ignored = set(ignore_columns)
    # A boolean mask, not a list of names: with a repeated header a list would repeat it again.
    frame = frame.loc[:, [c not in ignored for c in frame.columns]]
    positions: dict[str, list[int]] = {}
    for j, c in enumerate(frame.columns):
        positions.setdefault(c, []).append(j)
    for c, where in positions.items():
        if len(where) > 1:
            letters = ", ".join(_column_letter(j) for j in where)
            problems.append(
                Problem(
                    file,
                    None,
                    c,
                    f"the header appears {len(where)} times (columns {letters}); "
                    "rename or delete the extra column",
                )
            )
    frame = frame.loc[:, ~frame.columns.duplicated()]
    missing = [c for c in spec.required if c not in frame.columns]
    for c in missing:
        problems.append(
            Problem(
                file,
                None,
                c,
                "required column is missing; add it, or map the file's own header to it "
                "under 'columns' in dataset.yaml",
            )
        )
    for c in frame.columns:
        if not spec.allows(c):
            twin = [m for m in spec.known if _skeleton(m) == _skeleton(c)]
            near = twin or difflib.get_close_matches(c, missing, n=1, cutoff=0.8)
            hint = f"did you mean '{near[0]}'? " if near else ""
            fix = (
                "rename it, map it under 'columns' or list it under 'ignore_columns' in "
                "dataset.yaml"
            )
            if twin:  # looks the same: say what differs instead of echoing the same name
                hint, fix = (
                    f"it looks like '{twin[0]}' but {_difference(c, twin[0])}; ",
                    ("type the header again"),
                )
            problems.append(Problem(file, None, c, f"unknown column; {hint}{fix}"))
    out: dict[str, pd.Series] = {}
    for c in frame.columns:
        col = frame[c]
        if c in spec.numeric:
            out[c] = _to_number(col, decimal, file, rows, c, problems, c not in spec.filled)
        elif c in spec.text or c.startswith("comment_"):
            out[c] = _to_text(col)
        else:
            out[c] = col
    return pd.DataFrame(out, index=frame.index)


def _to_number(
    col: pd.Series,
    decimal: str,
    file: str,
    rows: Sequence[int],
    column: str,
    problems: list[Problem],
    may_be_empty: bool = True,
) -> pd.Series:
    if pd.api.types.is_bool_dtype(col) or not (
        pd.api.types.is_string_dtype(col) or pd.api.types.is_object_dtype(col)
    ):
        values = col.astype("float64")
        present = col.notna()
    else:
        fast = _arrow_floats(col)
        if fast is not None:  # the common case: every cell already a plain, finite number
            return fast
        text = col.astype("str").str.strip().str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        text = text.mask(text == "")
        if decimal == ",":
            text = text.str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        present = text.notna()
    # 'inf', 'Infinity' and '1e999' parse as infinite: no count or sum is infinite
    bad = (values.isna() & present) | np.isinf(values)
    if bad.any():
        positions = [int(i) for i in bad.to_numpy().nonzero()[0]]
        _add_row_problems(
            problems,
            file,
            [int(rows[p]) for p in positions],
            column,
            [_not_a_number(str(col.iloc[p]).strip(), decimal, may_be_empty) for p in positions],
        )
        values = values.mask(bad)
    return values


def _arrow_floats(col: pd.Series) -> pd.Series | None:
    """Parse with Arrow's cast (about 30x faster than ``pd.to_numeric`` on text); ``None``
    when any cell is not a plain number, so the careful path can name each bad cell."""
    try:
        parsed = pc.cast(pa.array(col, from_pandas=True, type=pa.string()), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    values = parsed.to_numpy(zero_copy_only=False)
    if not np.isfinite(values[parsed.is_valid().to_numpy(zero_copy_only=False)]).all():
        return None  # "nan" or "inf" written in a cell: let the careful path decide
    return pd.Series(values, index=col.index, name=col.name, dtype="float64")


def _not_a_number(value: str, decimal: str, may_be_empty: bool = True) -> str:
    empty = ", or leave the cell empty" if may_be_empty else ""
    if re.fullmatch(r"[+-]?(inf(inity)?|\d[\d.]*e\+?\d+)", value, flags=re.IGNORECASE):
        return (
            f"'{value}' is infinite, not a number (a spreadsheet writes it for a division by "
            f"zero or an overflow); write the real number{empty}"
        )
    if decimal == "." and re.fullmatch(r"\s*-?[\d\s]*\d,\d+\s*", value):
        return (
            f"'{value}' is not a number in a comma-separated file; write it with a decimal "
            "point, or save the file with ';' as separator"
        )
    return f"'{value}' is not a number; write a number{empty}"


def _to_text(col: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(col):
        whole = col.dropna()
        if (whole == whole.round()).all():
            col = col.astype("Int64")
    text = col.astype("str").str.strip()
    # compose accents (NFC): 'ä' typed as 'a' + U+0308 is the same 'ä'; checked once for
    # each distinct value, and rebuilt only when one is not composed already
    if text.str.isascii().all():  # ids and codes: plain ASCII is composed already
        return text.mask(col.isna() | (text == ""))
    codes, uniques = pd.factorize(text)
    if not all(unicodedata.is_normalized("NFC", u) for u in uniques):
        # two spellings may compose to one name: take by code, not as categories
        composed = np.array([unicodedata.normalize("NFC", u) for u in uniques] + [""], object)
        text = pd.Series(composed[codes], index=text.index, dtype="str")
    return text.mask(col.isna() | (text == ""))


def _add_row_problems(
    problems: list[Problem], file: str, rows: list[int], column: str | None, messages: list[str]
) -> None:
    """One problem a row, but a long run of the same problem is summarised after a few."""
    for row, msg in list(zip(rows, messages, strict=True))[:_MAX_ROWS_PER_PROBLEM]:
        problems.append(Problem(file, row, column, msg))
    rest = len(rows) - _MAX_ROWS_PER_PROBLEM
    if rest > 0:
        # Given the first row it summarises, the line sorts after the rows listed before it.
        first, last = rows[_MAX_ROWS_PER_PROBLEM], rows[-1]
        problems.append(
            Problem(
                file,
                first,
                column,
                f"… and {rest} more rows like the ones above (rows {first}–{last}); fix those too",
            )
        )


def _schema_problems(
    read: _Read, kind: str, instruments: Sequence[Instrument], problems: list[Problem]
) -> None:
    import pandera.errors  # pandera loads on first validation, not on every import

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
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        grouped: dict[tuple[str, str], tuple[list[int], list[str]]] = {}
        # a cell reported while parsing ('inf', '#DIV/0!') is empty now: one line a cell
        known = {(p.file, p.row, p.column) for p in problems}
        for _, case in cases.iterrows():
            file, row = read.locate(int(case["index"]))
            if (file, row, str(case["column"])) in known:
                continue
            check = str(case["check"])
            value = case["failure_case"]
            column = str(case["column"])
            if check in ("not_nullable", "is empty"):
                noun = _NOUNS.get(column, _NUMBER_NOUN if kind == "hr" else "a value here")
                msg = f"the cell is empty; every row needs {noun}"
            else:
                msg = f"{_show(value)} {check}"
            rows, msgs = grouped.setdefault((file, column), ([], []))
            rows.append(row)
            msgs.append(msg)
        for (file, column), (rows, msgs) in grouped.items():
            _add_row_problems(problems, file, rows, column, msgs)


_NOUNS = {
    "org": "its organisation",
    "unit": "its unit",
    "wave": "its survey wave",
    "respondent": "its respondent id",
    "period": "its period",
    "invited": "the number of people invited",
    "fte": "its FTE (full-time equivalents)",
    "headcount": "its headcount",
    "staff_costs_eur": "its staff costs",
}
_NUMBER_NOUN = "a number here (0 if there were none)"


def _show(value: object) -> str:
    if isinstance(value, float) and math.isfinite(value):
        if abs(value) >= _HUGE:
            return f"{value:g}"
        if value == round(value):
            return str(int(value))
    return f"'{value}'" if isinstance(value, str) else str(value)


def _row_problems(read: _Read, kind: str, problems: list[Problem]) -> None:
    """Checks across the columns of one HR row: what no unit's year can hold.

    With ``h`` the headcount: ``fte`` ≤ 1.5·h and ``fte`` > 0 when h > 0;
    ``leavers`` ≤ h; sick, other absence and training days each ≤ 365·h;
    overtime hours ≤ 8 760·h; ``theoretical_hours_per_fte`` within 1 000–2 500
    (the constants in :mod:`hrproductivity.schemas`; docs/data-checks.md).
    Cells already reported (empty, negative, infinite, too large) are skipped.
    """
    if kind != "hr" or read.frame.empty or "headcount" not in read.frame.columns:
        return
    frame = read.frame
    h = frame["headcount"].where(frame["headcount"].between(0, _HUGE))
    found: dict[tuple[str, str], tuple[list[int], list[str]]] = {}

    def add(column: str, mask: pd.Series, message: Any) -> None:
        for i in mask[mask.fillna(False).astype(bool)].index:
            file, row = read.locate(int(i))
            rows, msgs = found.setdefault((file, column), ([], []))
            rows.append(row)
            msgs.append(message(frame.loc[i, column], h.loc[i]))

    def col(name: str) -> pd.Series:
        if name not in frame.columns:
            return pd.Series(np.nan, index=frame.index)
        return frame[name].where(frame[name].between(0, _HUGE))

    # A headcount of 0 beside FTE, days or leavers is one mistake, not one per column.
    per_person = ["fte", "leavers", "sick_days", "other_absence_days", "training_days"]
    per_person.append("overtime_hours")
    nouns = ["FTE", "leavers", "sick days", "other absence days", "training days", "overtime hours"]
    positive = pd.DataFrame({c: col(c) > 0 for c in per_person})
    empty = (h == 0) & positive.any(axis=1)
    for i in empty[empty].index:
        named = [n for c, n in zip(per_person, nouns, strict=True) if positive.loc[i, c]]
        file, row = read.locate(int(i))
        rows, msgs = found.setdefault((file, "headcount"), ([], []))
        rows.append(row)
        msgs.append(
            f"the headcount is 0, but the row has {', '.join(named)}; write the number of "
            "people in the unit"
        )
    h = h.mask(empty)
    fte = col("fte")
    add(
        "fte",
        (fte == 0) & (h > 0),
        lambda v, n: (
            f"FTE is 0 but the headcount is {_show(n)}; write the full-time "
            "equivalents the unit worked in the period"
        ),
    )
    add(
        "fte",
        fte > schemas.FTE_PER_PERSON_MAX * h,
        lambda v, n: (
            f"FTE {_show(v)} is more than {_show(schemas.FTE_PER_PERSON_MAX)} times "
            f"the headcount {_show(n)}; check both (FTE counts full-time equivalents of the "
            "people in the headcount)"
        ),
    )
    add(
        "leavers",
        col("leavers") > h,
        lambda v, n: f"{_show(v)} leavers is more than the headcount {_show(n)}; check both",
    )
    for name, what in (
        ("sick_days", "sick days"),
        ("other_absence_days", "other absence days"),
        ("training_days", "training days"),
    ):
        add(
            name,
            col(name) > schemas.DAYS_PER_YEAR * h,
            lambda v, n, what=what: (
                f"{_show(v)} {what} is more than the headcount {_show(n)} × "
                f"{schemas.DAYS_PER_YEAR} days ({_show(schemas.DAYS_PER_YEAR * n)}); check the "
                "number and the headcount"
            ),
        )
    add(
        "overtime_hours",
        col("overtime_hours") > schemas.HOURS_PER_YEAR * h,
        lambda v, n: (
            f"{_show(v)} overtime hours is more than the headcount {_show(n)} × "
            f"{schemas.HOURS_PER_YEAR} hours in a year; check the number and the headcount"
        ),
    )
    lo, hi = schemas.FULL_TIME_HOURS
    hours = col("theoretical_hours_per_fte")
    add(
        "theoretical_hours_per_fte",
        (hours < lo) | (hours > hi),
        lambda v, n: (
            f"{_show(v)} hours is not a full-time year; write the annual working "
            f"hours of one FTE ({_show(lo)}–{_show(hi)}), or leave the cell empty for 1850"
        ),
    )
    for (file, column), (rows, msgs) in found.items():
        order = sorted(range(len(rows)), key=rows.__getitem__)
        _add_row_problems(
            problems, file, [rows[k] for k in order], column, [msgs[k] for k in order]
        )


def _duplicate_problems(
    read: _Read, spec: schemas.TableSpec, kind: str, problems: list[Problem]
) -> None:
    key = [c for c in spec.key if c in read.frame.columns]
    if len(key) != len(spec.key) or read.frame.empty:
        return
    # A row with an empty id is reported as such; it is no duplicate of another empty one.
    # Only a finance row may lack its unit (an organisation-level row).
    needed = [c for c in key if not (kind == "finance" and c == "unit")]
    frame = read.frame.loc[read.frame[needed].notna().all(axis=1), key]
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return
    frame = frame.loc[dup]
    first_of: dict[tuple[object, ...], int] = {}
    rows: dict[str, tuple[list[int], list[str]]] = {}
    for idx, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        k = tuple(values)
        if k not in first_of:
            first_of[k] = int(idx)
            continue
        file, row = read.locate(int(idx))
        first_file, first_row = read.locate(first_of[k])
        first = f"row {first_row}" if first_file == file else f"{first_file}, row {first_row}"
        if kind == "survey":
            msg = (
                f"respondent '{k[2]}' appears more than once in org '{k[0]}' wave '{k[1]}' "
                f"(first at {first}); give each respondent their own id, or delete the repeat"
            )
        else:
            named = ", ".join(f"{c} '{v}'" for c, v in zip(key, k, strict=True) if pd.notna(v))
            msg = (
                f"duplicate row for {named} (first at {first}); keep one row per "
                f"{', '.join(key[:-1])} and {key[-1]}"
            )
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
    """Read the HR register (one row per unit per period; docs/data-contract.md).

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
_DATASET_KEYS |= {"ignore_columns", "sheet", "header_row", "description", "waves"}
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
    name = _dataset_name(config, folder, problems)
    try:
        instruments = _config_instruments(config, folder)
    except HRProductivityError as exc:
        hint = ""
        if isinstance(exc, UnknownNameError):
            hint = ", or the .yaml file of your own instrument in the dataset folder"
        problem = Problem("dataset.yaml", None, None, f"key 'instruments': {exc}{hint}")
        raise DataValidationError([*problems, problem]) from None
    wave_period = {str(k): str(v) for k, v in (config.get("wave_period") or {}).items()}
    wave_order = tuple(map(str, config["waves"])) if config.get("waves") is not None else None
    for label in sorted({*wave_period, *wave_period.values()}):
        why = unsafe_part(label)
        if why:
            problems.append(Problem("dataset.yaml", None, None, _label_message(label, why)))
    mapping = config.get("columns") or {}
    flat = {k: v for k, v in mapping.items() if not isinstance(v, dict)}
    ignore_spec = config.get("ignore_columns") or []
    ignore = [str(c) for c in ([ignore_spec] if isinstance(ignore_spec, str) else ignore_spec)]
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
            sheet=_per_table(config.get("sheet"), key),
            header_row=_per_table(config.get("header_row"), key),
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
        sources=_sources(folder, config, files),
        value_labels={k: v for r in reads.values() for k, v in r.value_labels.items()},
        wave_order=wave_order,
    )
    located = {t: r.locate for t, r in reads.items()}
    problems += _name_problems(dataset, located)
    problems += _cross_problems(dataset, located)
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
        wave_order=wave_order,
    )


def _dataset_name(config: Mapping[str, Any], folder: Path, problems: list[Problem]) -> str:
    """The dataset's name, which names its folder under ``data/processed``: a safe slug."""
    given = config.get("name")
    if given is None or given == "":
        return folder.resolve().name
    name = str(given)
    if isinstance(given, str | int) and SLUG.fullmatch(name) and not unsafe_part(name):
        if not name.startswith("."):
            return name
    message = (
        f"key 'name': {name!r} cannot name the processed folder; use letters, digits, "
        "'-', '_' and '.' only (no '/', '\\', spaces or '..'), e.g. name: kuntakokeilu_2024"
    )
    problems.append(Problem("dataset.yaml", None, None, message))
    return "dataset"


def _label_message(label: str, why: str) -> str:
    """A wave or period label that cannot name a report folder (see ``_files.unsafe_part``)."""
    return (
        f"key 'wave_period': the label {label!r} {why}; wave and period labels name "
        "report folders, e.g. 2024 or 2024-syksy"
    )


def _read_config(folder: Path, problems: list[Problem]) -> dict[str, Any] | None:
    path = folder / "dataset.yaml"
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.is_file() else "no such folder"
        problems.append(
            Problem(
                str(folder), None, None, f"{what}; give the dataset folder that holds dataset.yaml"
            )
        )
        return None
    if not path.is_file():
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                f"not found in folder '{folder}'; create it to name the instrument, the files "
                "and which HR/finance period each survey wave pairs with (wave_period)",
            )
        )
        return None
    if _outside(path, folder.resolve()):
        problems.append(_outside_problem("dataset.yaml"))
        return None
    try:
        config = load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem("dataset.yaml", None, None, f"is not UTF-8 text; {_SAVE_UTF8}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem("dataset.yaml", None, None, _yaml_message(exc)))
        return None
    if not isinstance(config, dict):
        problems.append(
            Problem("dataset.yaml", None, None, "must be a mapping of keys to values (key: value)")
        )
        return None
    for key in sorted(set(map(str, config)) - _DATASET_KEYS):
        near = difflib.get_close_matches(key, sorted(_DATASET_KEYS), n=1)
        hint = f"did you mean '{near[0]}'? " if near else ""
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                f"unknown key '{key}'; {hint}the keys are {', '.join(sorted(_DATASET_KEYS))}",
            )
        )
    example = 'e.g. wave_period: {"2022": "2022", "2023": "2023"}'
    if "wave_period" not in config:
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                "key 'wave_period' is missing; add it to pair each survey wave with its "
                f"HR/finance period, {example}",
            )
        )
    elif not config["wave_period"] or not isinstance(config["wave_period"], dict):
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                "key 'wave_period' must pair each survey wave with its HR/finance period, "
                f"{example}",
            )
        )
    waves = config.get("waves")
    if "waves" in config and (
        not isinstance(waves, list)
        or not waves
        or not all(isinstance(w, str | int | date) and str(w).strip() for w in waves)
    ):
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                "key 'waves' must list the survey waves in time order, oldest first, "
                + _WAVES_EXAMPLE,
            )
        )
    for key, ok, what in (
        ("header_row", _is_row, "a row number (1 is the first row), e.g. header_row: 3"),
        (
            "sheet",
            _is_sheet,
            "a sheet name or number (0 is the first sheet), e.g. sheet: Vastaukset",
        ),
    ):
        value = config.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            bad = [k for k, v in value.items() if k not in _FILE_KEYS or not ok(v)]
        else:
            bad = [] if ok(value) else [key]
        if bad:
            problems.append(
                Problem(
                    "dataset.yaml",
                    None,
                    None,
                    f"key '{key}' must be {what}, or such a value for each table under survey, "
                    "units, hr or finance",
                )
            )
    if "columns" in config and not _is_column_mapping(config["columns"]):
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                "key 'columns' must map each export header to a column name, directly or "
                "under survey, units, hr or finance, e.g. columns: {survey: {Yksikkö: unit}}",
            )
        )
    return None if problems else config


def _is_row(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_sheet(value: object) -> bool:
    return (isinstance(value, str) and bool(value)) or (
        isinstance(value, int) and not isinstance(value, bool) and value >= 0
    )


def _per_table(value: Any, key: str) -> Any:
    """A dataset.yaml setting given once for every table, or per table under its key."""
    return value.get(key) if isinstance(value, dict) else value


def _outside(path: Path, root: Path) -> bool:
    """True when ``path`` (or the file a link at it points to) is not inside ``root``."""
    try:
        return not path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return True


def _outside_problem(name: str) -> Problem:
    return Problem(
        name,
        None,
        None,
        "is a link to a file outside the dataset folder, so it is not read; copy the file "
        "itself into the folder in place of the link",
    )


def _is_column_mapping(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    for key, target in value.items():
        if isinstance(target, dict) and key in _FILE_KEYS:
            if not all(isinstance(t, str) for t in target.values()):
                return False
        elif not isinstance(target, str):
            return False
    return True


def _yaml_message(exc: yaml.YAMLError) -> str:
    """One line from PyYAML's multi-line message: where, what, and what to check."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    if isinstance(exc, AliasRefused):
        return (
            f"the YAML alias '*{exc.anchor}'{where} (a copy of the value marked "
            f"'&{exc.anchor}') is not allowed; write the values out in full"
        )
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None:
        what += f" ({context} that starts at line {context_mark.line + 1})"
    return f"not valid YAML{where}: {what}; check the brackets, quotes, colons and indentation"


def _config_instruments(config: Mapping[str, Any], folder: Path) -> tuple[Instrument, ...]:
    spec = config.get("instruments", config.get("instrument", "qwl15"))
    names = spec if isinstance(spec, list) else [spec]
    out = []
    for n in names:
        local = folder / str(n)
        if local.suffix in (".yaml", ".yml") and _outside(local, folder.resolve()):
            raise InstrumentError(
                f"'{n}' is outside the dataset folder (or a link out of it), so it is not "
                "read; copy the instrument file into the folder and name it from there"
            )
        if local.suffix in (".yaml", ".yml") and local.is_file():
            try:  # the loader's YAML message spans lines; the CLI prints one line a problem
                load_yaml(local.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise InstrumentError(f"{local}: {_yaml_message(exc)}") from None
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
            Problem(
                "dataset.yaml",
                None,
                None,
                "key 'files' must map survey, units, hr and finance to file names, "
                "e.g. files: {survey: kysely.csv, units: yksikot.csv}",
            )
        )
    else:
        for key, value in declared.items():
            if key not in _FILE_KEYS:
                problems.append(
                    Problem(
                        "dataset.yaml",
                        None,
                        None,
                        f"key 'files': unknown table '{key}'; use survey, units, hr, finance",
                    )
                )
                continue
            names = value if isinstance(value, list) else [value]
            files[key] = [folder / str(n) for n in names]
    root = folder.resolve()
    for key, paths in files.items():
        inside = []
        for p in paths:
            if not _outside(p, root):
                inside.append(p)
            elif _outside(p.parent, root):  # the path as written leaves the folder
                written = p.relative_to(folder) if p.is_relative_to(folder) else p
                problems.append(
                    Problem(
                        "dataset.yaml",
                        None,
                        None,
                        f"key 'files': '{key}: {written}' is outside the dataset folder, so it "
                        "is not read; copy the file into the folder and name it from there",
                    )
                )
            else:
                problems.append(_outside_problem(p.name))
        files[key] = inside
    for key in ("survey", "units"):
        if key not in files:
            problems.append(
                Problem(
                    "dataset.yaml",
                    None,
                    None,
                    f"no {key} file: name it under 'files' ({key}: <file name>), or call the "
                    f"file {key}.csv (or .xlsx, .sav, .parquet)",
                )
            )
    return files


def _sources(
    folder: Path, config: Mapping[str, Any], files: Mapping[str, list[Path]]
) -> dict[str, str]:
    """SHA-256 of every file the tables depend on: the data files, and dataset.yaml and any
    instrument YAML in the folder, since the mapping and the scale change the tables too."""
    spec = config.get("instruments", config.get("instrument", "qwl15"))
    names = spec if isinstance(spec, list) else [spec]
    paths = [folder / "dataset.yaml", *(folder / str(n) for n in names)]
    paths += [p for ps in files.values() for p in ps]
    # Keyed by the path within the folder: two survey.csv in subfolders are two inputs.
    return {_relative(p, folder): _sha256(p) for p in paths if p.is_file()}


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:  # a file outside the dataset folder: its whole path
        return path.resolve().as_posix()


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
        read = _Read(frame, [_Segment(table, 0, len(frame), range(2, len(frame) + 2))])
        kind = _KIND_OF_TABLE[table]
        spec = schemas.table_spec(kind, dataset.instruments)
        for c in spec.required:
            if c not in frame.columns and not frame.empty:
                problems.append(Problem(table, None, c, "required column is missing"))
        _schema_problems(read, kind, dataset.instruments, problems)
        _duplicate_problems(read, spec, kind, problems)
        _row_problems(read, kind, problems)
        reads[table] = read
    located = {t: r.locate for t, r in reads.items()}
    problems += _name_problems(dataset, located)
    problems += _cross_problems(dataset, located)
    report = ValidationReport(tuple(sorted(problems)), {t: len(dataset.table(t)) for t in TABLES})
    if problems and raise_on_error:
        raise DataValidationError(problems)
    return report


# Letters of other scripts that look like Latin ones (after casefold), from Unicode's
# confusables list (https://www.unicode.org/Public/security/latest/confusables.txt).
_LOOKALIKE = str.maketrans(
    "авсеёікмнорстухѕјԁԛԝһӏүαβεζηικμνορτυχϲ",
    "abceëikmhopctyxsjdqwhlyabeznikmvoptuxc",
)


@functools.lru_cache(maxsize=65536)
def _skeleton(name: str) -> str:
    """The form two names share when a reader cannot tell them apart: compatibility
    forms folded (NFKC), case folded, look-alike letters of other scripts mapped to
    Latin, runs of spaces made one."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_LOOKALIKE)
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def _scripts(name: str) -> frozenset[str]:
    """The alphabets (Unicode scripts) of the letters of ``name``."""
    return frozenset(_script(c) for c in name) - {""}


def _script(ch: str) -> str:
    return unicodedata.name(ch, "?").split(" ")[0] if ch.isalpha() else ""


def _describe(ch: str) -> str:
    return f"'{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})"


def _difference(spelling: str, other: str) -> str:
    """What makes ``spelling`` differ from the look-alike ``other``, for a reader."""
    odd = [c for c in dict.fromkeys(spelling) if c not in other and _script(c) != "LATIN"]
    odd = odd or [c for c in dict.fromkeys(spelling) if c not in other and not c.isspace()]
    if odd and unicodedata.normalize("NFKC", spelling).casefold() != other.casefold():
        return "is written with other characters: " + ", ".join(_describe(c) for c in odd[:3])
    if spelling.casefold() == other.casefold():
        return "differs in upper and lower case"
    if " ".join(spelling.split()) == " ".join(other.split()):
        return "differs in its spaces"
    return "is written with other characters: " + ", ".join(_describe(c) for c in odd[:3])


def _suspect_pairs(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The distinct (org, unit) pairs of each table whose names need a closer look: a name
    with another spelling of the same skeleton in any table, or with letters of several
    alphabets. Vectorised over distinct names: 300 000 answers cost no more than their
    few thousand units."""
    pairs = {}
    for table, frame in frames.items():
        p = frame[["org", "unit"]].reset_index(drop=True)
        pairs[table] = p[p["org"].notna()].drop_duplicates()
    every = pd.concat(pairs.values())
    unit = every["unit"].fillna("")
    org_key = every["org"].map(_skeleton)
    unit_key = org_key + "\n" + unit.map(_skeleton)
    both = every["org"] + "\n" + unit
    spellings = pd.concat([every["org"], both]).groupby(pd.concat([org_key, unit_key])).nunique()
    out = {}
    for table, p in pairs.items():
        unit = p["unit"].fillna("")
        org_key = p["org"].map(_skeleton)
        keep = (org_key.map(spellings) > 1) | (
            (org_key + "\n" + unit.map(_skeleton)).map(spellings) > 1
        )
        keep |= p["org"].map(lambda n: len(_scripts(n)) > 1)
        keep |= unit.map(lambda n: len(_scripts(n)) > 1)
        out[table] = p[keep]
    return out


def _name_problems(dataset: Dataset, locate: Mapping[str, Any]) -> list[Problem]:
    """Organisation and unit names that a reader cannot tell apart but the data would count
    as different (``'Itä'`` with a Cyrillic ``'І'``, other case, a double space), and names
    that mix scripts. Each odd spelling is named once per file, beside the first spelling."""
    problems: list[Problem] = []
    # skeleton -> the first spelling, and where it is (table, index)
    first: dict[tuple[str, ...], tuple[tuple[str, ...], str, int]] = {}
    reported: set[tuple[str, tuple[str, ...]]] = set()
    tables = {
        t: dataset.table(t)
        for t in ("units", "responses", "hr", "finance")
        if t in locate
        and not dataset.table(t).empty
        and {"org", "unit"} <= set(dataset.table(t).columns)
    }
    if not tables:
        return problems
    for table, pairs in _suspect_pairs(tables).items():
        for i, org, unit in zip(pairs.index, pairs["org"], pairs["unit"], strict=True):
            names = [("org", str(org))] + ([("unit", str(unit))] if pd.notna(unit) else [])
            for depth, (what, name) in enumerate(names, start=1):
                spelling = tuple(n for _, n in names[:depth])
                key = tuple(_skeleton(n) for n in spelling)
                owner = f" of org '{spelling[0]}'" if what == "unit" else ""
                seen = first.setdefault(key, (spelling, table, int(i)))
                if seen[0] != spelling and seen[0][:-1] == spelling[:-1]:
                    file, row = locate[table](int(i))
                    if (file, spelling) in reported:
                        continue
                    reported.add((file, spelling))
                    where = "{}, row {}".format(*locate[seen[1]](seen[2]))
                    problems.append(
                        Problem(
                            file,
                            row,
                            what,
                            f"{what} '{name}'{owner} looks like '{seen[0][-1]}' ({where}) "
                            f"but {_difference(name, seen[0][-1])}; write it the same way "
                            "in every file",
                        )
                    )
                    continue
                scripts = _scripts(name)
                if len(scripts) > 1 and ("mixed", spelling) not in reported:
                    file, row = locate[table](int(i))
                    reported.add(("mixed", spelling))
                    main = "LATIN" if "LATIN" in scripts else sorted(scripts)[0]
                    odd = [c for c in dict.fromkeys(name) if _script(c) not in ("", main)]
                    problems.append(
                        Problem(
                            file,
                            row,
                            what,
                            f"{what} '{name}'{owner} mixes letters of different alphabets: "
                            + ", ".join(_describe(c) for c in odd[:3])
                            + "; type the name again on a Finnish keyboard, in every file "
                            "where it appears",
                        )
                    )
    return problems


def _cross_problems(dataset: Dataset, locate: Mapping[str, Any]) -> list[Problem]:
    """Checks across tables: every answering unit listed, never more answers than invitations."""
    problems: list[Problem] = []
    resp, units = dataset.responses, dataset.units
    key = ["org", "unit", "wave"]
    needed = {"responses": key, "units": [*key, "invited"], "hr": ["org", "unit", "period"]}
    needed["finance"] = needed["hr"]
    if any(not set(cols) <= set(dataset.table(t).columns) for t, cols in needed.items()):
        return problems  # a missing column is reported already; cross checks would only echo it
    listed = set(map(tuple, units[["org", "unit"]].drop_duplicates().to_numpy().tolist()))
    # a spelling that only looks different is reported by _name_problems, not here again
    lookalike = {(_skeleton(str(o)), _skeleton(str(u))) for o, u in listed}
    unit_file = locate["units"](0)[0] if not units.empty else "the unit list"
    if "." not in unit_file:  # validate() on tables in memory: name the table
        unit_file = "the unit list"

    def not_listed(org: object, unit: object, wave: str) -> str:
        known = sorted(str(u) for o, u in listed if o == org)
        near = difflib.get_close_matches(str(unit), known, n=1, cutoff=0.8)
        hint = f"did you mean '{near[0]}'? " if near else ""
        if dataset.value_labels and re.fullmatch(r"-?\d+", str(unit)):  # an unlabelled code
            hint = f"the SPSS file has no value label for the code {unit}; add one there, or "
        return (
            f"unit '{unit}' of org '{org}'{wave} is not in {unit_file}; {hint}"
            f"correct the unit here, or add it to {unit_file}"
        )

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
            if (_skeleton(str(row.org)), _skeleton(str(row.unit))) in lookalike:
                continue
            file, r = locate["responses"](int(row.first_index))
            answers = f"{row.n} answer{'s' if row.n != 1 else ''}"
            problems.append(
                Problem(
                    file,
                    r,
                    "unit",
                    not_listed(row.org, row.unit, f" in wave '{row.wave}' ({answers})"),
                )
            )
        over = merged[merged["unit_index"].notna() & (merged["n"] > merged["invited"])]
        for row in over.itertuples(index=False):
            file, r = locate["units"](int(row.unit_index))
            survey_file = locate["responses"](int(row.first_index))[0]
            problems.append(
                Problem(
                    file,
                    r,
                    "invited",
                    f"{int(row.invited)} invited, but {row.n} respondents of unit '{row.unit}' "
                    f"of org '{row.org}' answered in wave '{row.wave}'; correct 'invited', or "
                    f"the unit of those answers in {survey_file}",
                )
            )
    waves = set(resp["wave"].dropna().unique()) | set(units["wave"].dropna().unique())
    for w in sorted(waves - set(dataset.wave_period)):
        problems.append(
            Problem(
                "dataset.yaml",
                None,
                None,
                f"survey wave '{w}' has no period under 'wave_period'; pair it with its "
                f'HR/finance period there, e.g. "{w}": "{w}"',
            )
        )
    periods = set(dataset.wave_period.values())
    for table in ("hr", "finance"):
        frame = dataset.table(table)
        if frame.empty:
            continue
        indexed = frame.reset_index(names="first_index")
        by_period = indexed.groupby("period", sort=True)["first_index"].agg(["min", "size"])
        for period, (idx, n) in by_period.iterrows():
            if period not in periods:
                file, r = locate[table](int(idx))
                rows = f"{n} row{'s' if n != 1 else ''}"
                problems.append(
                    Problem(
                        file,
                        r,
                        "period",
                        f"period '{period}' ({rows}) pairs with no survey wave; pair it with a "
                        "wave under 'wave_period' in dataset.yaml, or correct the period",
                    )
                )
        with_unit = indexed[indexed["unit"].notna()]
        if units.empty:
            continue
        firsts = with_unit.groupby(["org", "unit"], sort=True)["first_index"].min()
        for (org, unit), idx in firsts.items():
            if (org, unit) not in listed and (_skeleton(org), _skeleton(unit)) not in lookalike:
                file, r = locate[table](int(idx))
                problems.append(Problem(file, r, "unit", not_listed(org, unit, "")))
    problems += _experiment_problems(dataset, locate)
    return problems + _wave_order_problems(dataset)


_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4}")


def _experiment_problems(dataset: Dataset, locate: Mapping[str, Any]) -> list[Problem]:
    """``experiment_start`` of the unit list: a survey wave, the same in every row of a unit.

    An empty cell means the unit is not in a development experiment. A start given as
    a date is refused with the waves to choose from: the data contract has no dates of
    the waves to place it between them (docs/data-contract.md).
    """
    units = dataset.units
    if "experiment_start" not in units.columns or units.empty:
        return []
    known = set(map(str, units["wave"].dropna().unique())) | set(
        map(str, dataset.responses["wave"].dropna().unique())
    )
    shown = _shown(sorted(known))
    problems: list[Problem] = []
    start = units["experiment_start"]
    for pos, cell in enumerate(start.tolist()):
        value = "" if pd.isna(cell) else str(cell).strip()
        if not value or value in known:
            continue
        file, row = locate["units"](pos)
        if _DATE.fullmatch(value):
            why = (
                f"is a date ('{value}'); give the survey wave in which the unit's development "
                f"experiment started instead, one of {shown}"
            )
        else:
            why = (
                f"'{value}' is not a survey wave; give the wave in which the unit's development "
                f"experiment started, one of {shown}, or leave the cell empty for a unit not in "
                "the experiment"
            )
        problems.append(Problem(file, row, "experiment_start", why))
    filled = units.assign(_start=start.astype("str").str.strip(), _index=range(len(units)))
    for (org, unit), rows in filled.groupby(["org", "unit"], sort=True):
        given = rows["_start"].dropna().unique()
        if len(given) <= 1:
            continue
        file, row = locate["units"](int(rows["_index"].iloc[0]))
        values = ", ".join(f"'{v}'" for v in sorted(given))
        problems.append(
            Problem(
                file,
                row,
                "experiment_start",
                f"unit '{unit}' of org '{org}' has different starts in different rows "
                f"({values}); a unit's experiment starts once: give the same wave wherever a row "
                "of the unit names its start",
            )
        )
    return problems


# --------------------------------------------------------------------------- writing


def write_dataset(dataset: Dataset, folder: str | Path) -> Path:
    """Write a dataset as a raw dataset folder (CSV files and ``dataset.yaml``).

    Used to create the bundled example from :mod:`hrproductivity.synthetic`;
    the result reads back with :func:`load_dataset`.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    HRProductivityError
        When the folder already holds one of the files it would write: raw
        files are never overwritten.
    """
    folder = Path(folder)
    names = {
        "responses": "survey.csv",
        "units": "units.csv",
        "hr": "hr.csv",
        "finance": "finance.csv",
    }
    existing = [n for n in (*names.values(), "dataset.yaml") if (folder / n).exists()]
    if existing:
        raise HRProductivityError(
            f"refusing to write a dataset into {folder}: it already holds "
            f"{', '.join(existing)}, and raw files are never overwritten; choose a new folder"
        )
    for table, fname in names.items():
        frame = dataset.table(table).copy()
        for c in frame.columns:
            col = frame[c]
            if pd.api.types.is_float_dtype(col):
                whole = col.dropna()
                frame[c] = col.astype("Int64") if (whole == whole.round()).all() else col.round(4)
        atomic_write(
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
    labels = dataset.responses["wave"].dropna().astype("str").unique().tolist()
    if dataset.wave_order is not None and (
        _undeclared_order(labels) is not None or dataset.waves != time_order(labels)
    ):  # declared only where the labels do not already sort so
        config["waves"] = dataset.waves
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    atomic_write(folder / "dataset.yaml", lambda p: p.write_text(text, encoding="utf-8"))
    return folder


def process(folder: str | Path | Dataset, *, out: str | Path) -> Path:
    """Validate a dataset folder and write its tidy tables as parquet with a manifest.

    Parameters
    ----------
    folder : str, Path or Dataset
        The raw dataset folder (it is only read), or a dataset already read
        from one with :func:`load_dataset` (so it is not read twice).
    out : str or Path
        The processed folder: ``responses.parquet``, ``units.parquet``,
        ``hr.parquet``, ``finance.parquet``, the research tables
        ``unit_waves.parquet`` and ``org_waves.parquet``
        (:func:`~hrproductivity.tables.unit_waves`,
        :func:`~hrproductivity.tables.org_waves` with their defaults; not
        suppressed) and ``manifest.json`` (input file hashes, the SHA-256 of
        each table written, package versions, row counts). The set is written
        into a new hidden sibling folder and renamed into place as a whole, so
        ``out`` holds the old set or the new one, never a mix; other entries
        of ``out`` (a report cache) are kept.

    Returns
    -------
    Path
        The path of ``manifest.json``.

    Raises
    ------
    DataValidationError
        When the raw data break the contract; nothing is written then.
    HRProductivityError
        When ``out`` is the raw folder, lies inside it or contains it, or is a
        folder with other files that ``process`` did not write.
    """
    dataset = folder if isinstance(folder, Dataset) else load_dataset(folder)
    if dataset.folder is None:
        raise HRProductivityError("process needs a dataset read from a folder (load_dataset)")
    out = Path(out)
    _check_processed_target(out, Path(dataset.folder))
    rows = {t: len(dataset.table(t)) for t in TABLES}

    from hrproductivity.tables import org_waves, unit_waves

    research = {"unit_waves": unit_waves(dataset), "org_waves": org_waves(dataset)}

    def fill(tmp: Path) -> None:
        hashes: dict[str, str] = {}
        derived: dict[str, str] = {}
        frames = [*((t, dataset.table(t), hashes) for t in TABLES)]
        frames += [(name, frame, derived) for name, frame in research.items()]
        for table, frame, into in frames:
            path = inside(tmp, tmp / f"{table}.parquet")
            try:
                frame.to_parquet(path, index=False)
            except OSError as exc:  # name the file the user asked for, not the temporary one
                raise OSError(exc.errno, exc.strerror or str(exc), str(out / path.name)) from exc
            into[path.name] = _sha256(path)
        manifest = {
            "dataset": dataset.name,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_folder": str(Path(dataset.folder).resolve()),  # type: ignore[arg-type]
            "inputs": dict(sorted(dataset.sources.items())),
            "tables": hashes,
            "research_tables": derived,  # unit_waves, org_waves: computed from the tables
            "instruments": [i.name for i in dataset.instruments],
            "wave_period": dict(dataset.wave_period),
            "waves": dataset.waves,  # the time order, declared or derived
            "rows": rows,
            "versions": versions(),
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False)
        (tmp / _PROCESSED_MANIFEST).write_text(text + "\n", encoding="utf-8")

    # through a symbolic link to the folder: replace the folder it points to, keep the link
    replace_folder(out.resolve(), fill, keep=lambda name: name not in _PROCESSED_FILES)
    return out / _PROCESSED_MANIFEST


_PROCESSED_MANIFEST = "manifest.json"
_RESEARCH_TABLES = ("unit_waves", "org_waves")
_PROCESSED_FILES = {_PROCESSED_MANIFEST, *(f"{t}.parquet" for t in (*TABLES, *_RESEARCH_TABLES))}


def _check_processed_target(out: Path, raw: Path) -> None:
    """Refuse an output folder that would overwrite raw data or files ``process`` does not own."""
    apart(out, raw, what="the processed tables")
    others = [p for p in out.iterdir() if p.name != REPORT_CACHE] if out.is_dir() else []
    if others and not (out / _PROCESSED_MANIFEST).is_file():
        raise HRProductivityError(
            f"refusing to write the processed tables to {out}: it holds other files and no "
            f"{_PROCESSED_MANIFEST} of an earlier process; choose a new or empty folder"
        )


def read_processed(folder: str | Path) -> Dataset:
    """Read tables written by :func:`process` back into a :class:`Dataset`.

    Each table is checked against the SHA-256 the manifest recorded for it.

    Raises
    ------
    HRProductivityError
        When the folder has no manifest, or a table is missing or differs from
        what the manifest recorded (a set mixed from two runs of ``process``,
        or a file changed by hand): run ``process`` again.
    """
    folder = Path(folder)
    again = "run `hrproductivity process` on the raw dataset again"
    try:
        manifest = json.loads((folder / _PROCESSED_MANIFEST).read_text(encoding="utf-8"))
        recorded = dict(manifest["tables"])
    except (OSError, ValueError, KeyError, TypeError):
        raise HRProductivityError(
            f"{folder} is not a processed folder (no readable {_PROCESSED_MANIFEST} listing "
            f"its tables); {again}"
        ) from None
    frames = {}
    for table in TABLES:
        name = f"{table}.parquet"
        try:
            data = (folder / name).read_bytes()
        except FileNotFoundError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != recorded.get(name):
            what = "is missing" if data is None else "differs from the one recorded"
            raise HRProductivityError(
                f"{folder}: {name} {what} in {_PROCESSED_MANIFEST}, so the tables are not one "
                f"processed set (an interrupted process, or a file changed by hand); {again}"
            )
        frames[table] = pd.read_parquet(io.BytesIO(data))
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
        wave_order=tuple(manifest["waves"]) if "waves" in manifest else None,
    )
