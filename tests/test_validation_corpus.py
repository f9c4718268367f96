"""The broken-data corpus: every case gives exactly the expected lines, exit 2, no traceback.

Each folder under ``tests/data/broken`` holds only the files that differ from
``tests/data/valid`` (see ``tests/data/README.md``); the case is built in a
temporary folder named ``dataset`` and validated from its parent, so messages
that name the folder are the same on every machine.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hrproductivity.cli import app

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"
BROKEN = DATA / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
_META = ("expected.txt", "remove.txt", "links.txt")

runner = CliRunner()


def build_case(case: str, parent: Path) -> Path:
    """Copy valid/ to ``parent/dataset``, lay the case's files over it, delete what it removes."""
    folder = parent / "dataset"
    shutil.copytree(VALID, folder)
    source = BROKEN / case
    for f in source.iterdir():
        if f.name not in _META:
            shutil.copyfile(f, folder / f.name)
    removed = source / "remove.txt"
    if removed.exists():
        for name in removed.read_text(encoding="utf-8").split():
            (folder / name).unlink()
    links = source / "links.txt"
    if links.exists():  # "<name> <target>": the case's file is a symbolic link to target
        for line in links.read_text(encoding="utf-8").splitlines():
            name, target = line.split(maxsplit=1)
            (folder / name).unlink(missing_ok=True)
            (folder / name).symlink_to(target)
    return folder


def expected_lines(case: str) -> list[str]:
    return (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def folder_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path: any write, add or delete shows.
    A symbolic link counts by its target's name, not by what it points to."""
    return {
        str(p.relative_to(folder)): (
            f"link to {p.readlink()}"
            if p.is_symlink()
            else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(folder.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 110
    for case in CASES:
        folder = BROKEN / case
        assert (folder / "expected.txt").is_file(), case
        assert expected_lines(case), f"{case}: expected.txt is empty"
        overlay = [f for f in folder.iterdir() if f.name not in _META]
        changes = ("remove.txt", "links.txt")
        assert overlay or any((folder / m).exists() for m in changes), f"{case} changes nothing"
        for f in overlay:
            original = VALID / f.name
            if original.exists():
                assert f.read_bytes() != original.read_bytes(), f"{case}/{f.name} equals valid/"


def test_valid_dataset_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(VALID, tmp_path / "dataset")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "dataset"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == "valid_example: valid (36 responses, 14 units, 14 hr, 20 finance).\n"


@pytest.mark.parametrize("case", CASES)
def test_broken_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = build_case(case, tmp_path)
    before = folder_digest(folder)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "dataset"])
    assert folder_digest(folder) == before, f"{case}: validate changed the raw folder"
    assert [p.name for p in tmp_path.iterdir()] == ["dataset"], "validate wrote beside it"
    expected = expected_lines(case)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{case} raised {result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} problem(s) found."


def test_several_problems_are_all_reported_in_row_order() -> None:
    lines = expected_lines("several_problems_one_file")
    assert len(lines) == 7
    located = [re.match(r"survey\.csv, row (\d+), column '([^']+)'", line) for line in lines]
    assert all(located)
    keys = [(int(m.group(1)), m.group(2)) for m in located if m]
    assert keys == sorted(keys)
    assert {row for row, _ in keys} == {3, 4, 7, 16, 25, 30}


def test_installed_command_exits_2_without_traceback(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "hrproductivity"
    assert command.is_file(), f"console script not installed next to {sys.executable}"
    build_case("several_problems_one_file", tmp_path)
    done = subprocess.run(
        [str(command), "validate", "dataset"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert done.stdout == b""
    expected = expected_lines("several_problems_one_file")
    assert stderr.splitlines() == [*expected, f"{len(expected)} problem(s) found."]


@pytest.mark.parametrize("case", [None, "several_problems_one_file", "yaml_invalid", "ragged_rows"])
def test_commands_never_write_to_the_raw_folder(
    case: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case is None:
        folder = tmp_path / "dataset"
        shutil.copytree(VALID, folder)
    else:
        folder = build_case(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = folder_digest(folder)
    out = tmp_path / "processed"
    for args in (["validate", "dataset"], ["process", "dataset", "--out", str(out)]):
        result = runner.invoke(app, args)
        assert result.exit_code == (0 if case is None else 2), result.output
        assert folder_digest(folder) == before, f"{args[0]} changed the raw folder"
    # A dataset that fails validation gets no output folder at all.
    assert out.exists() == (case is None)
