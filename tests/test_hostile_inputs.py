"""Hostile and careless inputs (issue 10, items 11–14): each test fails on the code before
the fix. Impossible numbers, names that break runs, YAML aliases, and the messages an HR
analyst gets for a title row, a second sheet, SPSS codes, links and a full disk."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
import yaml
from typer.testing import CliRunner

from hrproductivity import plots
from hrproductivity.cli import app
from hrproductivity.errors import DataValidationError
from hrproductivity.io import load_dataset, read_hr, read_survey

VALID = Path(__file__).parent / "data" / "valid"
runner = CliRunner()


def copy_valid(tmp_path: Path) -> Path:
    folder = tmp_path / "dataset"
    shutil.copytree(VALID, folder)
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_dataset(folder)
    return [str(p) for p in info.value.problems]


def replace_in(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


HR_HEADER = "org,unit,period,fte,headcount,sick_days,sick_spells,other_absence_days,"
HR_HEADER += "training_days,leavers,staff_costs_eur,theoretical_hours_per_fte\n"


def hr_lines(tmp_path: Path, *rows: str) -> list[str]:
    path = tmp_path / "hr.csv"
    path.write_text(HR_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_hr(path)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- item 11


def test_infinite_answer_that_fails_the_scale_check_is_a_problem_not_a_crash(
    tmp_path: Path,
) -> None:
    """'-inf' parsed to -inf, failed in_range, and the message builder raised OverflowError
    (round(-inf)): exit 1 with a traceback. Now one line names the cell."""
    path = tmp_path / "survey.csv"
    lines = (VALID / "survey.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[7] = "-inf"  # qwl_03 of spreadsheet row 4
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_survey(path)
    assert [str(p) for p in info.value.problems] == [
        "survey.csv, row 4, column 'qwl_03': '-inf' is infinite, not a number (a spreadsheet "
        "writes it for a division by zero or an overflow); write the real number, or leave "
        "the cell empty"
    ]


@pytest.mark.parametrize("value", ["inf", "Infinity", "-Infinity", "1e400"])
def test_infinite_hr_numbers_are_refused(tmp_path: Path, value: str) -> None:
    lines = hr_lines(tmp_path, f"K1,A,2022,7.5,8,{value},3,2,1,0,300000,")
    assert len(lines) == 1
    assert lines[0].startswith(f"hr.csv, row 2, column 'sick_days': '{value}' is infinite")


def test_numbers_too_large_to_be_real_are_refused(tmp_path: Path) -> None:
    """1e308 € of staff costs made the reports print 1,26 bn € or fail in Decimal."""
    lines = hr_lines(tmp_path, "K1,A,2022,7.5,8,20,3,2,1,0,1e308,")
    assert lines == [
        "hr.csv, row 2, column 'staff_costs_eur': 1e+308 is too large to be real (more than "
        "10^12); check the cell, e.g. for digits typed twice or a cell formatted as a date"
    ]


def test_impossible_hr_rows_are_refused_by_the_documented_rules(tmp_path: Path) -> None:
    """By hand, with h the headcount: row 2 has 8 people, so at most 8 × 365 = 2 920 sick
    days (2 921 is one too many), at most 8 leavers (9), FTE ≤ 1.5 × 8 = 12 (12.5);
    row 3 has FTE 0 for 433 people; row 4 a full-time year of 0 hours; row 5 (h = 10)
    exactly at every bound: 3 650 days, 10 leavers, FTE 15, 2 500 hours — accepted."""
    lines = hr_lines(
        tmp_path,
        "K1,A,2022,12.5,8,2921,3,2,1,9,300000,",
        "K1,B,2022,0,433,20,3,2,1,0,300000,",
        "K1,C,2022,7.5,8,20,3,2,1,0,300000,0",
        "K1,D,2022,15,10,3650,3,3650,3650,10,300000,2500",
    )
    assert lines == [
        "hr.csv, row 2, column 'fte': FTE 12.5 is more than 1.5 times the headcount 8; check "
        "both (FTE counts full-time equivalents of the people in the headcount)",
        "hr.csv, row 2, column 'leavers': 9 leavers is more than the headcount 8; check both",
        "hr.csv, row 2, column 'sick_days': 2921 sick days is more than the headcount 8 × 365 "
        "days (2920); check the number and the headcount",
        "hr.csv, row 3, column 'fte': FTE is 0 but the headcount is 433; write the full-time "
        "equivalents the unit worked in the period",
        "hr.csv, row 4, column 'theoretical_hours_per_fte': 0 hours is not a full-time year; "
        "write the annual working hours of one FTE (1000–2500), or leave the cell empty for "
        "1850",
    ]


def test_empty_required_hr_cells_are_refused(tmp_path: Path) -> None:
    """An empty FTE or staff-cost cell was read as missing and the unit's figures went on
    without it; optional columns may stay empty (theoretical hours default to 1 850)."""
    lines = hr_lines(tmp_path, "K1,A,2022,,8,20,3,2,1,0,,")
    assert lines == [
        "hr.csv, row 2, column 'fte': the cell is empty; every row needs its FTE (full-time "
        "equivalents)",
        "hr.csv, row 2, column 'staff_costs_eur': the cell is empty; every row needs its "
        "staff costs",
    ]


# --------------------------------------------------------------------------- item 12


def test_nfd_spelling_of_a_unit_is_the_same_unit(tmp_path: Path) -> None:
    """'Kotihoito Itä' typed with a combining diaeresis (NFD, as macOS writes file text) was
    a second unit, 'not in units.csv'. Read as NFC it is the same unit."""
    folder = copy_valid(tmp_path)
    nfd = unicodedata.normalize("NFD", "Kotihoito Itä")
    assert nfd != "Kotihoito Itä"
    replace_in(folder / "survey.csv", "Kotihoito Itä", nfd, count=2)  # and NFC in the rest
    dataset = load_dataset(folder)
    reference = load_dataset(VALID)
    assert sorted(dataset.responses["unit"].unique()) == sorted(
        reference.responses["unit"].unique()
    )


def test_cyrillic_look_alike_unit_names_both_spellings(tmp_path: Path) -> None:
    """A Cyrillic 'о' (U+043E) made a unit the old message called 'not in units.csv; did
    you mean <the same-looking name>?'."""
    folder = copy_valid(tmp_path)
    replace_in(folder / "hr.csv", "Kotihoito Itä", "K\u043etihoito Itä", count=1)
    assert problems_of(folder) == [
        "hr.csv, row 3, column 'unit': unit 'K\u043etihoito Itä' of org 'K091' looks like "
        "'Kotihoito Itä' (units.csv, row 3) but is written with other characters: "
        "'\u043e' (U+043E CYRILLIC SMALL LETTER O); write it the same way in every file"
    ]


def test_unit_names_in_other_case_are_refused_in_every_table(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    replace_in(folder / "survey.csv", "K837,Koulu Hervanta,2023", "K837,koulu hervanta,2023")
    lines = problems_of(folder)
    assert len(lines) == 1
    assert "unit 'koulu hervanta' of org 'K837' looks like 'Koulu Hervanta'" in lines[0]


def test_a_dollar_name_draws_as_text_not_mathtext(tmp_path: Path) -> None:
    r"""A unit named '$\frac{1}$' stopped every figure with a mathtext ParseError."""
    name = r"$\frac{1}$"
    table = pd.DataFrame({"index": [0.6, 0.7]}, index=[name, "Kirjasto"])
    ax = plots.unit_heatmap(table)
    ax.figure.savefig(tmp_path / "heat.svg")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Kirjasto", r"\$\frac{1}\$"]  # escaped: drawn as the name itself
    trend = pd.DataFrame({"series": [name, name], "wave": ["2022", "2023"], "value": [0.5, 0.6]})
    plots.trend(trend).figure.savefig(tmp_path / "trend.svg")


def test_names_with_one_slug_and_a_300_character_name_give_unique_safe_reports(
    tmp_path: Path,
) -> None:
    """'Kotihoito/Itä' and 'Kotihoito Itä' both slug to 'Kotihoito-Itä': the run stopped
    with 'two reports are named …' after validation had passed; a 300-character name gave a
    file name over the 255-byte limit."""
    from hrproductivity.reports.jobs import plan_jobs

    folder = copy_valid(tmp_path)
    long = "Ö" * 300
    replace_in(folder / "units.csv", "K091,Päiväkoti Auringonkukka", "K091,Kotihoito/Itä")
    replace_in(folder / "survey.csv", "K091,Päiväkoti Auringonkukka", "K091,Kotihoito/Itä")
    replace_in(folder / "hr.csv", "K091,Päiväkoti Auringonkukka", "K091,Kotihoito/Itä")
    replace_in(folder / "finance.csv", "K091,Päiväkoti Auringonkukka", "K091,Kotihoito/Itä")
    for f in ("units.csv", "survey.csv", "hr.csv", "finance.csv"):
        replace_in(folder / f, "K179,Kirjasto", f"K179,{long}")
    jobs = plan_jobs(load_dataset(folder), wave="2022", level="unit", min_n=1)
    names = [j.name for j in jobs]
    assert len(set(names)) == len(names) == 7
    k091 = sorted(n for n in names if n.startswith("K091-Kotihoito-Itä"))
    assert len(k091) == 2 and all(len(n) == len("K091-Kotihoito-Itä") + 9 for n in k091)
    longest = max(names, key=lambda n: len(n.encode()))
    assert len(longest.encode()) <= 4 + 1 + 80
    for name in names:  # every file the run writes for it fits a file name
        (tmp_path / f".{name}.results.json.abcdefgh.tmp").write_text("{}")


# --------------------------------------------------------------------------- item 13


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """Nine levels of nine aliases under ignore_columns ran 142 s into a MemoryError. The
    first alias is on line 13: ten lines of valid/dataset.yaml, the key, the anchor."""
    folder = copy_valid(tmp_path)
    bomb = ["ignore_columns:", "  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    bomb += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with (folder / "dataset.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(bomb) + "\n")
    # (how fast it is refused: benchmarks/bench_timing.py)
    lines = problems_of(folder)
    assert lines == [
        "dataset.yaml: the YAML alias '*a0' at line 13, column 10 (a copy of the value "
        "marked '&a0') is not allowed; write the values out in full"
    ]


def test_instrument_yaml_aliases_are_refused_too(tmp_path: Path) -> None:
    from hrproductivity.errors import InstrumentError
    from hrproductivity.instruments import load_instrument

    text = (Path(plots.__file__).parent / "instruments" / "who5.yaml").read_text("utf-8")
    (tmp_path / "oma.yaml").write_text("x: &x [1, 2]\ny: *x\n" + text, encoding="utf-8")
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument(tmp_path / "oma.yaml")


# --------------------------------------------------------------------------- item 14


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def csv_rows(name: str) -> list[list[object]]:
    lines = (VALID / name).read_text(encoding="utf-8").splitlines()
    return [[c if c else None for c in line.split(",")] for line in lines]


def set_config(folder: Path, **config: object) -> None:
    data = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    data.update(config)
    (folder / "dataset.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def use_xlsx(folder: Path, table: str) -> None:
    (folder / f"{table}.csv").unlink()
    files = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))["files"]
    set_config(folder, files={**files, table: f"{table}.xlsx"})


def test_a_title_above_the_header_is_one_line_and_header_row_reads_it(tmp_path: Path) -> None:
    """Two title rows gave ~40 lines ('unknown column', 'required column is missing' …)."""
    folder = copy_valid(tmp_path)
    xlsx(folder / "hr.xlsx", {"HR": [["Henkilöstöraportti"], [None], *csv_rows("hr.csv")]})
    use_xlsx(folder, "hr")
    assert problems_of(folder) == [
        "hr.xlsx: the header (the column names) is on row 3, not on row 1; delete rows 1–2 "
        "above it, or add 'header_row: 3' to dataset.yaml"
    ]
    set_config(folder, header_row={"hr": 3})
    dataset = load_dataset(folder)
    pd.testing.assert_frame_equal(dataset.hr, load_dataset(VALID).hr)


def test_data_on_the_second_sheet_hints_sheet_and_sheet_reads_it(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    sheets = {"Ohje": [["Täytä välilehti Yksiköt."]], "Yksiköt": csv_rows("units.csv")}
    xlsx(folder / "units.xlsx", sheets)
    use_xlsx(folder, "units")
    assert problems_of(folder) == [
        "units.xlsx: the first sheet 'Ohje' does not hold the table, but sheet 'Yksiköt' "
        "does; add 'sheet: Yksiköt' to dataset.yaml, or move that sheet first"
    ]
    set_config(folder, sheet={"units": "Yksiköt"})
    assert load_dataset(folder).units.equals(load_dataset(VALID).units)


def test_spss_value_labels_name_the_organisations_and_units(tmp_path: Path) -> None:
    """org and unit stored as SPSS codes with value labels gave 165 'unit '3' of org '3''
    lines: the labels were read and then ignored. Answer codes stay numbers."""
    folder = copy_valid(tmp_path)
    survey = pd.read_csv(VALID / "survey.csv", dtype={"wave": str})
    orgs = {o: float(i) for i, o in enumerate(sorted(survey["org"].unique()), start=1)}
    units = {u: float(i) for i, u in enumerate(sorted(survey["unit"].unique()), start=1)}
    coded = survey.assign(org=survey["org"].map(orgs), unit=survey["unit"].map(units))
    labels = {
        "org": {v: k for k, v in orgs.items()},
        "unit": {v: k for k, v in units.items()},
        "qwl_01": {1.0: "täysin eri mieltä", 5.0: "täysin samaa mieltä"},
    }
    pyreadstat.write_sav(coded, str(folder / "survey.sav"), variable_value_labels=labels)
    (folder / "survey.csv").unlink()
    replace_in(folder / "dataset.yaml", "survey: survey.csv", "survey: survey.sav")
    dataset = load_dataset(folder)
    expected = load_dataset(VALID).responses
    pd.testing.assert_series_equal(dataset.responses["unit"], expected["unit"])
    pd.testing.assert_series_equal(dataset.responses["org"], expected["org"])
    pd.testing.assert_series_equal(dataset.responses["qwl_01"], expected["qwl_01"])


def test_problem_lines_print_as_written_without_emoji(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rich turned ':x:' in a unit name into '❌' in the problem line."""
    folder = copy_valid(tmp_path)
    replace_in(
        folder / "survey.csv", "K091,Kotihoito Itä,2022,091-22-004", "K091,:x: A,2022,091-22-004"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "dataset"])
    assert result.exit_code == 2
    assert "unit ':x: A' of org 'K091'" in result.stderr
    assert "\u274c" not in result.stderr


def test_a_link_to_a_system_file_is_refused_without_echoing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """survey.csv linked to a file outside the folder: its first line came back as
    'unknown column' lines."""
    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:salasana\n", encoding="utf-8")
    folder = copy_valid(tmp_path)
    (folder / "survey.csv").unlink()
    (folder / "survey.csv").symlink_to(secret)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "dataset"])
    assert result.exit_code == 2
    assert "salasana" not in result.output
    assert result.stderr.splitlines()[0] == (
        "survey.csv: is a link to a file outside the dataset folder, so it is not read; copy "
        "the file itself into the folder in place of the link"
    )


def test_a_full_disk_names_the_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC from a writer came out as '[Errno 28] No space left on device', no path."""
    from hrproductivity._files import atomic_write

    def full(_: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError) as info:
        atomic_write(tmp_path / "out" / "k091.html", full)
    assert info.value.filename == str(tmp_path / "out" / "k091.html")
    assert list((tmp_path / "out").iterdir()) == []  # no temporary file left

    shutil.copytree(VALID, tmp_path / "dataset")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", lambda self, path, **kw: full(path))
    result = runner.invoke(app, ["process", "dataset", "--out", "processed"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the disk is full: cannot write processed/responses.parquet; free some space "
        "and run the command again (what was written completely is kept)\n"
    )


def test_a_cell_timeout_reads_as_a_time_limit() -> None:
    """nbclient's CellTimeoutError message ends in a line of dashes: the manifest said
    'CellTimeoutError: ---'."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError

    from hrproductivity.reports.worker import _cell_error

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time")])
    exc = CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", 5, nb.cells[0])
    error = _cell_error(nb, 0, exc, timeout=5)
    assert error["message"] == (
        "cell 0: CellTimeoutError: the cell ran longer than the time limit of 5 s; allow more "
        "time with --timeout SECONDS (hrproductivity reports) or timeout= (run_reports)"
    )


def test_reports_command_passes_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import hrproductivity.reports.pipeline as pipeline

    seen: dict[str, object] = {}

    class Done:
        failed: list[object] = []
        folder = Path("reports")

        def counts(self) -> dict[str, int]:
            return {"ok": 0, "skipped": 0, "failed": 0, "not_produced": 0}

    def fake(dataset: object, **kwargs: object) -> Done:
        seen.update(kwargs)
        return Done()

    monkeypatch.setattr(pipeline, "build_reports", fake)
    result = runner.invoke(app, ["reports", str(VALID), "--executor", "dask", "--timeout", "42"])
    assert result.exit_code == 0, result.output
    assert seen["timeout"] == 42


def test_scratch_folders_of_killed_processes_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hrp-report-cache-* stayed in /tmp after kill -9 and after every template run by
    hand. A folder whose process is gone is removed by the next one; a live one stays."""
    import tempfile

    from hrproductivity._files import scratch_dir, sweep_scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"hrp-report-cache-{done.stdout.strip()}-abc"
    (dead / "tables").mkdir(parents=True)
    alive = tmp_path / f"hrp-report-cache-{os.getppid()}-def"
    alive.mkdir()
    old = tmp_path / "hrp-report-cache-k2j4_x"  # an older version's name: no pid
    old.mkdir()
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    made = scratch_dir("hrp-report-cache-")
    assert made.parent == tmp_path and made.name.startswith(f"hrp-report-cache-{os.getpid()}-")
    assert not dead.exists() and not old.exists() and alive.exists()
    assert sweep_scratch("hrp-report-cache-") == []


def test_header_row_reads_a_csv_below_its_title(tmp_path: Path) -> None:
    """A CSV exported from a sheet with a title line: one line says where the header is,
    and 'header_row: 2' reads the same table as the file without the title."""
    folder = copy_valid(tmp_path)
    text = (folder / "units.csv").read_text(encoding="utf-8")
    (folder / "units.csv").write_text("Yksiköt 2022–2023\n" + text, encoding="utf-8")
    assert problems_of(folder) == [
        "units.csv: the header (the column names) is on row 2, not on row 1; delete row 1 "
        "above it, or add 'header_row: 2' to dataset.yaml"
    ]
    set_config(folder, header_row=2)  # for every table: the others have theirs on row 1
    assert problems_of(folder) == [
        f"{table}.csv: row 2, which 'header_row' in dataset.yaml names, does not hold the "
        f"column names; correct it, or give it for this table only, e.g. header_row: {{{table}: 2}}"
        for table in ("finance", "hr", "survey")
    ]
    set_config(folder, header_row={"units": 2})
    assert load_dataset(folder).units.equals(load_dataset(VALID).units)
