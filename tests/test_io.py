"""Reading every input format into the same tidy tables, mapping columns, stacking files,
processing to parquet with a manifest, validating in memory, and instrument loading errors."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import re
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyreadstat
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrproductivity.errors import (
    DataValidationError,
    HRProductivityError,
    InstrumentError,
    Problem,
    UnknownNameError,
)
from hrproductivity.instruments import bundled_instruments, load_instrument
from hrproductivity.io import (
    TABLES,
    Dataset,
    load_dataset,
    process,
    read_processed,
    read_survey,
    read_units,
    validate,
)

VALID = Path(__file__).parent / "data" / "valid"
FILES = {"survey": "survey.csv", "units": "units.csv", "hr": "hr.csv", "finance": "finance.csv"}
WAVE_PERIOD = {"2022": "2022", "2023": "2023"}
TEXT = {"org", "unit", "wave", "respondent", "role", "sector", "period", "output_unit"}


@pytest.fixture(scope="module")
def reference() -> Dataset:
    return load_dataset(VALID)


def valid_lines(name: str) -> list[str]:
    return (VALID / name).read_text(encoding="utf-8").splitlines()


def write_config(folder: Path, files: dict[str, Any], **extra: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = {"instruments": ["qwl15"], "files": files, "wave_period": WAVE_PERIOD, **extra}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return folder


def copy_valid_csvs(folder: Path, skip: tuple[str, ...] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES.values():
        if name not in skip:
            (folder / name).write_bytes((VALID / name).read_bytes())


def typed_frame(name: str) -> pd.DataFrame:
    """A valid table as a typed frame (numbers as numbers), the way a parquet export holds it."""
    frame = pd.read_csv(VALID / name, dtype=str, keep_default_na=False, na_values=[""])
    for c in frame.columns:
        if c not in TEXT:
            frame[c] = pd.to_numeric(frame[c])
    return frame


def assert_same_tables(got: Dataset, expected: Dataset) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(got.table(table), expected.table(table), obj=table)


# --------------------------------------------------------------------------- formats


def test_semicolon_decimal_comma_cp1252_reads_the_same(tmp_path: Path, reference: Dataset) -> None:
    for name in FILES.values():
        rows = [
            ";".join(re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", cell) for cell in line.split(","))
            for line in valid_lines(name)
        ]
        (tmp_path / name).write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    raw = (tmp_path / "hr.csv").read_bytes()
    assert b";7,5;" in raw and b"It\xe4" in raw  # decimal comma, and ä as one cp1252 byte
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    got = load_dataset(write_config(tmp_path, FILES))
    assert_same_tables(got, reference)
    assert "Päiväkoti Auringonkukka" in set(got.units["unit"])
    assert "Sosiaalityö" in set(got.hr["unit"])


def test_finnish_letters_round_trip_in_cp1252(tmp_path: Path) -> None:
    text = "org;unit;wave;invited\nK091;Åbo Päiväkoti;2022;3\nK091;Työterveys Öljymäki;2022;4\n"
    (tmp_path / "yksikot.csv").write_bytes(text.encode("cp1252"))
    units = read_units(tmp_path / "yksikot.csv")
    assert units["unit"].tolist() == ["Åbo Päiväkoti", "Työterveys Öljymäki"]


def test_utf8_with_bom_reads_the_same(tmp_path: Path, reference: Dataset) -> None:
    for name in FILES.values():
        (tmp_path / name).write_text((VALID / name).read_text("utf-8"), encoding="utf-8-sig")
    assert (tmp_path / "survey.csv").read_bytes().startswith(b"\xef\xbb\xbforg,")
    got = load_dataset(write_config(tmp_path, FILES))
    assert_same_tables(got, reference)
    assert got.responses.columns[0] == "org"


def write_xlsx(path: Path, lines: list[str]) -> None:
    """Cells typed as Excel holds them: numbers as numbers, empty cells empty."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for i, line in enumerate(lines):
        row: list[object] = []
        for cell in line.split(","):
            if i and re.fullmatch(r"-?\d+", cell):
                row.append(int(cell))
            elif i and re.fullmatch(r"-?\d+\.\d+", cell):
                row.append(float(cell))
            else:
                row.append(cell or None)
        sheet.append(row)
    book.save(path)


def test_xlsx_reads_the_same(tmp_path: Path, reference: Dataset) -> None:
    files = {}
    for key, name in FILES.items():
        files[key] = f"{key}.xlsx"
        write_xlsx(tmp_path / files[key], valid_lines(name))
    got = load_dataset(write_config(tmp_path, files))
    assert_same_tables(got, reference)


def test_xlsx_blank_row_keeps_row_numbers(tmp_path: Path) -> None:
    lines = valid_lines("survey.csv")
    lines[7] = lines[7].replace(",2,2,1,3,", ",2,9,1,3,", 1)  # qwl_02 = 9 on row 8
    lines.insert(4, ",".join([""] * 20))  # an empty row 5 pushes it to row 9
    write_xlsx(tmp_path / "kysely.xlsx", lines)
    with pytest.raises(DataValidationError) as caught:
        read_survey(tmp_path / "kysely.xlsx")
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [
        ("kysely.xlsx", 9, "qwl_02")
    ]


def test_xlsx_header_below_empty_rows_and_empty_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([None])  # a title row left empty: the header is on row 2
    sheet.append(["org", "unit", "wave", "invited"])
    sheet.append(["K091", "Kotihoito Itä", 2022, -3])
    book.save(tmp_path / "yksikot.xlsx")
    openpyxl.Workbook().save(tmp_path / "tyhja.xlsx")
    with pytest.raises(DataValidationError) as caught:
        read_units([tmp_path / "yksikot.xlsx", tmp_path / "tyhja.xlsx"])
    assert [str(p) for p in caught.value.problems] == [
        "tyhja.xlsx: the sheet is empty; export the table again",
        "yksikot.xlsx, row 3, column 'invited': -3 is negative; it must be 0 or more",
    ]


def test_sav_reads_the_same_and_keeps_value_labels(tmp_path: Path, reference: Dataset) -> None:
    survey = typed_frame("survey.csv")
    survey["wave"] = survey["wave"].astype(
        "float64"
    )  # SPSS exports often hold the wave as a number
    labels = dict(
        zip([1.0, 2.0, 3.0, 4.0, 5.0], load_instrument("qwl15").scale_labels["fi"], strict=True)
    )
    value_labels = {c: labels for c in survey.columns if c.startswith("qwl_")}
    pyreadstat.write_sav(survey, str(tmp_path / "kysely.sav"), variable_value_labels=value_labels)
    copy_valid_csvs(tmp_path, skip=("survey.csv",))
    got = load_dataset(write_config(tmp_path, {**FILES, "survey": "kysely.sav"}))
    assert_same_tables(got, reference)
    assert got.value_labels["qwl_01"] == labels
    assert got.value_labels["qwl_15"][5.0] == "Täysin samaa mieltä"


def test_sav_rows_are_numbered_as_spss_cases(tmp_path: Path) -> None:
    survey = typed_frame("survey.csv")
    survey.loc[3, "qwl_04"] = 6.0
    pyreadstat.write_sav(survey, str(tmp_path / "kysely.sav"))
    with pytest.raises(DataValidationError) as caught:
        read_survey(tmp_path / "kysely.sav")
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [
        ("kysely.sav", 4, "qwl_04")
    ]


def test_parquet_reads_the_same(tmp_path: Path, reference: Dataset) -> None:
    files = {}
    for key, name in FILES.items():
        files[key] = f"{key}.parquet"
        typed_frame(name).to_parquet(tmp_path / files[key])
    assert typed_frame("units.csv")["invited"].dtype == "int64"
    got = load_dataset(write_config(tmp_path, files))
    assert_same_tables(got, reference)


def test_trailing_separators_on_every_line_are_ignored(tmp_path: Path, reference: Dataset) -> None:
    copy_valid_csvs(tmp_path, skip=("hr.csv",))
    (tmp_path / "hr.csv").write_text("".join(f"{line},\n" for line in valid_lines("hr.csv")))
    got = load_dataset(write_config(tmp_path, FILES))
    assert_same_tables(got, reference)


@pytest.mark.parametrize("letter", ["ä", "ö", "å", "Ä", "Ö", "Å"])
def test_double_encoded_letters_are_found(tmp_path: Path, letter: str) -> None:
    twice = letter.encode("utf-8").decode("cp1252")
    (tmp_path / "units.csv").write_text(f"org,unit,wave,invited\nK1,{twice}ssä,2022,3\n", "utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_units(tmp_path / "units.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row) == ("units.csv", 2)
    assert f"'{twice}' looks like '{letter}' encoded twice" in problem.message


# --------------------------------------------------------------------------- mapping


def test_column_mapping_flat_and_per_table_and_ignored_columns(
    tmp_path: Path, reference: Dataset
) -> None:
    copy_valid_csvs(tmp_path)
    survey = valid_lines("survey.csv")
    survey[0] = (
        survey[0]
        .replace("org,unit,", "Organisaatio,Yksikkö,")
        .replace("respondent", "Vastaajatunnus")
    )
    stamps = ["Aikaleima"] + ["2022-11-14 09:30"] * (len(survey) - 1)
    survey = [f"{line},{stamp}" for line, stamp in zip(survey, stamps, strict=True)]
    (tmp_path / "survey.csv").write_text("\n".join(survey) + "\n", "utf-8")
    units = valid_lines("units.csv")
    units[0] = units[0].replace("org,", "Organisaatio,").replace("invited", "Kutsutut")
    (tmp_path / "units.csv").write_text("\n".join(units) + "\n", "utf-8")
    columns = {
        "Organisaatio": "org",  # flat: for every table
        "survey": {"Yksikkö": "unit", "Vastaajatunnus": "respondent"},
        "units": {"Kutsutut": "invited"},
    }
    got = load_dataset(write_config(tmp_path, FILES, columns=columns, ignore_columns=["Aikaleima"]))
    assert_same_tables(got, reference)


def test_unmapped_export_headers_are_reported(tmp_path: Path) -> None:
    copy_valid_csvs(tmp_path)
    units = valid_lines("units.csv")
    units[0] = units[0].replace("invited", "Kutsutut")
    (tmp_path / "units.csv").write_text("\n".join(units) + "\n", "utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(write_config(tmp_path, FILES, ignore_columns="Aikaleima"))
    assert [str(p) for p in caught.value.problems] == [
        "units.csv, column 'Kutsutut': unknown column; rename it, map it under 'columns' or "
        "list it under 'ignore_columns' in dataset.yaml",
        "units.csv, column 'invited': required column is missing; add it, or map the file's "
        "own header to it under 'columns' in dataset.yaml",
    ]


def test_read_units_with_column_mapping() -> None:
    units = read_units(VALID / "units.csv", columns={"sector": "parent"})
    assert list(units.columns) == ["org", "unit", "wave", "invited", "parent"]
    assert units["invited"].dtype == "int64"


# --------------------------------------------------------------------------- stacked files


def split_survey_by_wave(folder: Path) -> tuple[list[str], list[str]]:
    lines = valid_lines("survey.csv")
    header, body = lines[0], lines[1:]
    first = [header, *(line for line in body if ",2022," in line)]
    second = [header, *(line for line in body if ",2023," in line)]
    return first, second


def test_survey_files_stack_one_per_wave(tmp_path: Path, reference: Dataset) -> None:
    first, second = split_survey_by_wave(tmp_path)
    copy_valid_csvs(tmp_path, skip=("survey.csv",))
    (tmp_path / "kysely_2022.csv").write_text("\n".join(first) + "\n", "utf-8")
    write_xlsx(tmp_path / "kysely_2023.xlsx", second)
    survey = ["kysely_2022.csv", "kysely_2023.xlsx"]
    got = load_dataset(write_config(tmp_path, {**FILES, "survey": survey}))
    # Stacked file by file: wave 2022 first, then 2023; the valid file interleaves them.
    by_wave = reference.responses.sort_values("wave", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got.responses, by_wave)
    for table in ("units", "hr", "finance"):
        pd.testing.assert_frame_equal(got.table(table), reference.table(table))
    assert {"kysely_2022.csv", "kysely_2023.xlsx"} <= set(got.sources)
    direct = read_survey([tmp_path / name for name in survey])
    pd.testing.assert_frame_equal(direct, by_wave)


def test_stacked_files_name_their_own_file_and_row(tmp_path: Path) -> None:
    first, second = split_survey_by_wave(tmp_path)
    first[3] = first[3].replace(",091-22-003,työntekijä,3,4,", ",091-22-003,työntekijä,3,9,")
    second[2] = second[2].replace("esihenkilö,5,5,", "esihenkilö,5,kolme,")
    second.append(first[1])  # the same respondent of wave 2022 again, in the other file
    copy_valid_csvs(tmp_path, skip=("survey.csv",))
    (tmp_path / "kysely_2022.csv").write_text("\n".join(first) + "\n", "utf-8")
    (tmp_path / "kysely_2023.csv").write_text("\n".join(second) + "\n", "utf-8")
    folder = write_config(tmp_path, {**FILES, "survey": ["kysely_2022.csv", "kysely_2023.csv"]})
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    assert [str(p) for p in caught.value.problems] == [
        "kysely_2022.csv, row 4, column 'qwl_02': 9 is outside the qwl15 answer scale 1–5; "
        "correct it, or leave the cell empty if it means no answer",
        "kysely_2023.csv, row 3, column 'qwl_02': 'kolme' is not a number; write a number, "
        "or leave the cell empty",
        "kysely_2023.csv, row 18, column 'respondent': respondent '091-22-001' appears more "
        "than once in org 'K091' wave '2022' (first at kysely_2022.csv, row 2); give each "
        "respondent their own id, or delete the repeat",
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    blank_after=st.lists(st.integers(min_value=1, max_value=36), max_size=4), bad=st.integers(2, 37)
)
def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(
    tmp_path: Path, blank_after: list[int], bad: int
) -> None:
    lines = valid_lines("survey.csv")
    cells = lines[bad - 1].split(",")
    cells[-1] = "x"
    lines[bad - 1] = ",".join(cells)
    for at in sorted(blank_after, reverse=True):
        lines.insert(at, "")
    expected_row = lines.index(",".join(cells)) + 1
    path = tmp_path / "survey.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_survey(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(expected_row, "qwl_15")]


# --------------------------------------------------------------------------- processing


def test_process_writes_parquet_and_manifest(tmp_path: Path, reference: Dataset) -> None:
    out = tmp_path / "processed"
    manifest_path = process(VALID, out=out)
    assert manifest_path == out / "manifest.json"
    assert sorted(os.listdir(out)) == [
        "finance.parquet",
        "hr.parquet",
        "manifest.json",
        "org_waves.parquet",
        "responses.parquet",
        "unit_waves.parquet",
        "units.parquet",
    ]  # and no temporary files left behind
    manifest = yaml.safe_load(manifest_path.read_text("utf-8"))  # JSON is YAML
    expected_inputs = {
        name: hashlib.sha256((VALID / name).read_bytes()).hexdigest()
        for name in ("dataset.yaml", *FILES.values())
    }
    assert manifest["inputs"] == expected_inputs
    assert manifest["rows"] == {"responses": 36, "units": 14, "hr": 14, "finance": 20}
    assert manifest["dataset"] == "valid_example"
    assert manifest["instruments"] == ["qwl15"]
    assert manifest["wave_period"] == WAVE_PERIOD
    for package in ("hrproductivity", "pandas", "pyarrow", "pandera"):
        assert manifest["versions"][package] == version(package)
    for table in TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / f"{table}.parquet"), reference.table(table), obj=table
        )


def test_read_processed_round_trips(tmp_path: Path, reference: Dataset) -> None:
    process(VALID, out=tmp_path)
    back = read_processed(tmp_path)
    assert_same_tables(back, reference)
    assert back.name == reference.name
    assert [i.name for i in back.instruments] == ["qwl15"]
    assert dict(back.wave_period) == WAVE_PERIOD
    assert dict(back.sources) == dict(reference.sources)


def test_process_failing_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_write(self: pd.DataFrame, path: Path, **kwargs: Any) -> None:
        Path(path).write_bytes(b"PAR1 half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", half_write)
    with pytest.raises(OSError, match="disk full"):
        process(VALID, out=tmp_path)
    assert os.listdir(tmp_path) == []


def test_process_writes_nothing_for_broken_data(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    copy_valid_csvs(raw)
    (raw / "units.csv").write_text("org,unit,wave,invited\n", "utf-8")
    with pytest.raises(DataValidationError):
        process(write_config(raw, FILES), out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_changed_wave_period_changes_the_input_hashes(tmp_path: Path, reference: Dataset) -> None:
    copy_valid_csvs(tmp_path)
    got = load_dataset(write_config(tmp_path, FILES, name="valid_example"))
    assert got.sources["survey.csv"] == reference.sources["survey.csv"]
    assert got.sources["dataset.yaml"] != reference.sources["dataset.yaml"]


# --------------------------------------------------------------------------- in memory


def test_validate_in_memory_passes_a_valid_dataset(reference: Dataset) -> None:
    report = validate(reference)
    assert report.ok
    assert report.lines() == []
    assert dict(report.rows) == {"responses": 36, "units": 14, "hr": 14, "finance": 20}


def test_validate_in_memory_finds_planted_problems(reference: Dataset) -> None:
    responses = reference.responses.copy()
    responses.loc[4, "qwl_03"] = 9.0
    hr = reference.hr.copy()
    hr.loc[2, "unit"] = "Päiväkoti Auringonkukkka"
    broken = dataclasses.replace(reference, responses=responses, hr=hr)
    with pytest.raises(DataValidationError) as caught:
        validate(broken)
    assert caught.value.problems == [
        Problem(
            "hr",
            4,
            "unit",
            "unit 'Päiväkoti Auringonkukkka' of org 'K091' is not in the unit list; did you "
            "mean 'Päiväkoti Auringonkukka'? correct the unit here, or add it to the unit list",
        ),
        Problem(
            "responses",
            6,
            "qwl_03",
            "9 is outside the qwl15 answer scale 1–5; correct it, or leave the cell empty if "
            "it means no answer",
        ),
    ]
    report = validate(broken, raise_on_error=False)
    assert not report.ok
    assert len(report.lines()) == 2
    assert report.lines()[1].startswith("responses, row 6, column 'qwl_03': 9 is outside")


def test_validate_in_memory_reports_a_missing_column(reference: Dataset) -> None:
    broken = dataclasses.replace(reference, units=reference.units.drop(columns="invited"))
    report = validate(broken, raise_on_error=False)
    assert [(p.file, p.column) for p in report.problems] == [("units", "invited")]


# --------------------------------------------------------------------------- instruments


def qwl15_definition() -> dict[str, Any]:
    text = resources.files("hrproductivity.instruments").joinpath("qwl15.yaml").read_text("utf-8")
    definition: dict[str, Any] = yaml.safe_load(text)
    return definition


def _drop_factors(d: dict[str, Any]) -> None:
    del d["factors"]


def _item_twice(d: dict[str, Any]) -> None:
    d["factors"]["YI"]["items"].append("qwl_05")


def _scale_reversed(d: dict[str, Any]) -> None:
    d["scale"].update(min=5, max=1)


def _scale_not_whole(d: dict[str, Any]) -> None:
    d["scale"]["min"] = "yksi"


def _labels_short(d: dict[str, Any]) -> None:
    d["scale"]["labels"]["fi"] = d["scale"]["labels"]["fi"][:4]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_factors, "key 'factors' is missing"),
        (_item_twice, "key 'factors.YI.items' repeats 'qwl_05', already in FE"),
        (_scale_reversed, "key 'scale.max' must be greater than scale.min (5)"),
        (_scale_not_whole, "key 'scale.min' must be a whole number"),
        (_labels_short, "key 'scale.labels.fi' must list 5 labels, one per answer"),
    ],
)
def test_malformed_instrument_names_the_key(tmp_path: Path, change: Any, message: str) -> None:
    definition = copy.deepcopy(qwl15_definition())
    change(definition)
    path = tmp_path / "oma.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), "utf-8")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert str(caught.value) == f"{path}: {message}"


def test_own_instrument_file_loads(tmp_path: Path) -> None:
    definition = qwl15_definition()
    definition["name"] = "oma"
    path = tmp_path / "oma.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), "utf-8")
    assert load_instrument(path).item_ids == load_instrument("qwl15").item_ids


def test_unknown_instrument_lists_the_bundled_names() -> None:
    with pytest.raises(UnknownNameError) as caught:
        load_instrument("qwl16")
    assert str(caught.value) == "unknown instrument 'qwl16'; choose one of: qwl15, uwes9, who5"
    assert caught.value.known == bundled_instruments() == ["qwl15", "uwes9", "who5"]
    assert isinstance(caught.value, HRProductivityError)
    assert isinstance(caught.value, KeyError)


def test_bundled_item_texts_are_whole_sentences_in_both_languages() -> None:
    """Every bundled QWL item has one Finnish and one English sentence (no YAML splits)."""
    qwl = load_instrument("qwl15")
    for item in qwl.items:
        assert set(item.text) == {"fi", "en"}, item.id
        assert all(t.endswith(".") for t in item.text.values()), item.id
    assert qwl.item_text("qwl_14", "fi") == "Voin vaikuttaa siihen, miten teen työni."


def test_process_takes_a_dataset_already_read_and_writes_the_same_tables(tmp_path: Path) -> None:
    """Passing the loaded dataset (as the CLI does) gives the same manifest inputs and rows
    as passing its folder, so the raw files need not be read twice."""
    from hrproductivity import load_dataset, process

    folder = Path(__file__).resolve().parent / "data" / "valid"
    by_folder = json.loads(process(folder, out=tmp_path / "a").read_text(encoding="utf-8"))
    by_dataset = json.loads(
        process(load_dataset(folder), out=tmp_path / "b").read_text(encoding="utf-8")
    )
    for key in ("inputs", "rows", "source_folder", "instruments", "wave_period"):
        assert by_dataset[key] == by_folder[key], key
