"""The ``hrproductivity`` command: help on every command, where process writes, bad paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hrproductivity.cli import app

VALID = Path(__file__).parent / "data" / "valid"
COMMANDS = ["validate", "process", "demo", "bench"]

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for command in COMMANDS:
        assert command in result.stdout


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert result.exit_code in (0, 2)  # click exits 2 for no_args_is_help from 8.2 on


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: hrproductivity {command}" in " ".join(result.stdout.split())
    assert "Traceback" not in result.output


def test_process_writes_where_out_says(tmp_path: Path) -> None:
    out = tmp_path / "somewhere" / "else"
    result = runner.invoke(app, ["process", str(VALID), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"processed tables and manifest: {out}\n"
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "finance.parquet",
        "hr.parquet",
        "manifest.json",
        "org_waves.parquet",
        "responses.parquet",
        "unit_waves.parquet",
        "units.parquet",
    ]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["rows"]["responses"] == 36


def test_process_defaults_to_data_processed_by_dataset_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(VALID, tmp_path / "raw")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["process", "raw"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "processed" / "valid_example" / "manifest.json").is_file()


@pytest.mark.parametrize("command", ["validate", "process"])
def test_bad_path_exits_2_with_one_line(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "no_such_dataset"
    result = runner.invoke(app, [command, str(missing)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{missing}: no such folder; give the dataset folder that holds dataset.yaml",
        "1 problem(s) found.",
    ]
    assert not missing.exists()


def test_a_file_instead_of_a_folder_is_named_as_such() -> None:
    result = runner.invoke(app, ["validate", str(VALID / "survey.csv")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{VALID / 'survey.csv'}: is a file, not a folder; give the dataset folder that holds "
        "dataset.yaml"
    )


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", str(VALID), "--no-such-option"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_console_script_keeps_exit_codes_and_output(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(sys.executable).with_name("hrproductivity")
    ok = subprocess.run([script, "validate", str(VALID)], capture_output=True, text=True)
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = subprocess.run(
        [script, "validate", str(tmp_path / "nowhere")], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "no such folder" in bad.stderr and "1 problem(s) found." in bad.stderr
    usage = subprocess.run([script, "validate", "--nope"], capture_output=True, text=True)
    assert usage.returncode == 2 and "No such option" in usage.stderr
