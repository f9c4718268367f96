"""Data safety: no path from the data, no stale or mixed outputs, nothing about hidden
groups in the published machine-readable files.

Each test names the defect it guards (issue 10 items 5, 7-10); each failed on the code
before the fix. The hostile datasets are cases of the broken-data corpus
(``tests/data/broken/safety_*``, see ``tests/data/README.md``); the checks here run
``process`` on them as well, and compare every file of the working folder before and
after (``folder_digest``): the raw folder is never written and nothing appears outside
the output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from test_validation_corpus import build_case, expected_lines, folder_digest
from typer.testing import CliRunner

from hrproductivity import load_dataset, process, read_processed
from hrproductivity._files import inside, unsafe_part
from hrproductivity.cli import app
from hrproductivity.errors import HRProductivityError
from hrproductivity.reports import Job, Manifest, run_reports
from hrproductivity.reports.store import CacheStore, dataset_hash

HERE = Path(__file__).parent
VALID = HERE / "data" / "valid"
RECORD = HERE / "data" / "notebooks" / "record_number.ipynb"
ORG = str(HERE.parent / "notebooks" / "org_report.ipynb")

runner = CliRunner()


def _tree(folder: Path) -> set[str]:
    """Every path under ``folder``, files and folders, relative to it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# --------------------------------------------------------------------------- 7: dataset name


SAFETY = sorted(p.name for p in (HERE / "data" / "broken").glob("safety_*"))


@pytest.mark.parametrize("case", SAFETY)
def test_hostile_cases_write_nothing_anywhere(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``safety_*`` case of the corpus: ``process`` prints the case's lines and
    exits 2, the raw folder is unchanged and nothing is written anywhere."""
    work = tmp_path / "work"
    folder = build_case(case, work)
    monkeypatch.chdir(work)
    before, files = folder_digest(work), _tree(folder)
    result = runner.invoke(app, ["process", "dataset"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert result.stderr.splitlines()[:-1] == expected_lines(case)
    assert folder_digest(work) == before and _tree(folder) == files
    assert sorted(os.listdir(work)) == ["dataset"]


@pytest.mark.parametrize("case", ["safety_name_parent", "safety_name_absolute"])
def test_a_dataset_name_cannot_lead_process_out_of_data_processed(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``name: ../../raw`` made ``process`` write to ``data/raw``; ``name: /tmp/...``
    anywhere. Now the name is refused as one line (exit 2) and nothing is written."""
    work = tmp_path / "work"
    folder = build_case(case, work)
    monkeypatch.chdir(work)
    before = folder_digest(work)
    result = runner.invoke(app, ["process", "dataset"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[-1] == "1 problem(s) found."
    assert lines[0].startswith("dataset.yaml: key 'name': ")
    assert "cannot name the processed folder" in lines[0]
    assert folder_digest(work) == before
    assert _tree(work) == {"dataset", *(f"dataset/{p}" for p in _tree(folder))}
    assert not Path("/tmp/hrp-elsewhere").exists()


@pytest.mark.parametrize(
    "name", ["..", ".", "a/b", "a\\b", "x\ny", ".hidden", "two words", "../x", "/abs"]
)
def test_unsafe_dataset_names_are_refused(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    shutil.copytree(VALID, folder)
    config = (folder / "dataset.yaml").read_text("utf-8")
    config = config.replace("name: valid_example", f"name: {json.dumps(name)}")
    (folder / "dataset.yaml").write_text(config, "utf-8")
    with pytest.raises(HRProductivityError, match="key 'name'.*cannot name the processed"):
        load_dataset(folder)


def test_names_that_are_safe_slugs_pass(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    shutil.copytree(VALID, folder)
    config = (folder / "dataset.yaml").read_text("utf-8")
    for name in ("kuntakokeilu_2024", "Kysely-2024.v2", "Päijät-Häme"):
        text = config.replace("name: valid_example", f"name: {name}")
        (folder / "dataset.yaml").write_text(text, "utf-8")
        assert load_dataset(folder).name == name


def test_every_output_path_is_checked_against_its_root(tmp_path: Path) -> None:
    root = tmp_path / "processed"
    assert inside(root, root / "example") == root / "example"
    assert inside(root, root) == root
    for bad in (root / ".." / "raw", tmp_path / "elsewhere", Path("/etc")):
        with pytest.raises(HRProductivityError, match="outside the output folder"):
            inside(root, bad)
    (tmp_path / "link").symlink_to(tmp_path / "raw", target_is_directory=True)
    with pytest.raises(HRProductivityError, match="outside the output folder"):
        inside(root, root / ".." / "link")


@pytest.mark.parametrize("where", ["raw", "inside_raw", "parent_of_raw"])
def test_process_never_writes_into_the_raw_folder(where: str, tmp_path: Path) -> None:
    """``process --out`` the raw folder (or into it, or a folder holding it) overwrote raw
    files; swapping the processed folder as a whole would even remove them."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(VALID, raw)
    before = folder_digest(tmp_path)
    out = {"raw": raw, "inside_raw": raw / "processed", "parent_of_raw": tmp_path / "data"}
    with pytest.raises(HRProductivityError, match="raw files are only read"):
        process(raw, out=out[where])
    assert folder_digest(tmp_path) == before
    assert _tree(tmp_path / "data") == {"raw", *(f"raw/{p}" for p in _tree(raw))}


def test_process_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    """An output folder with files that ``process`` did not write is not replaced."""
    out = tmp_path / "notes"
    out.mkdir()
    (out / "minutes.txt").write_text("keep me", "utf-8")
    with pytest.raises(HRProductivityError, match="holds other files"):
        process(VALID, out=out)
    assert _tree(out) == {"minutes.txt"}


def test_process_into_a_folder_holding_only_the_report_cache(tmp_path: Path) -> None:
    """``hrproductivity reports`` before ``process`` leaves the report cache in the
    processed folder: ``process`` writes beside it and keeps it."""
    out = tmp_path / "processed"
    (out / "report-cache" / "key").mkdir(parents=True)
    process(VALID, out=out)
    assert _tree(out) >= {"report-cache/key", "manifest.json", "responses.parquet"}


def test_write_dataset_never_overwrites_raw_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``demo --data FOLDER`` wrote the example over a folder without dataset.yaml,
    replacing its survey.csv."""
    from hrproductivity import synthetic, write_dataset

    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "mine"
    raw.mkdir()
    (raw / "survey.csv").write_text("org,unit\nmy,own\n", "utf-8")
    before = folder_digest(tmp_path)
    with pytest.raises(HRProductivityError, match="already holds survey.csv"):
        write_dataset(synthetic.example_dataset(), raw)
    assert folder_digest(tmp_path) == before
    result = runner.invoke(app, ["demo", "--data", str(raw)])
    assert result.exit_code == 2 and "already holds survey.csv" in result.stderr
    assert folder_digest(tmp_path) == before


# --------------------------------------------------------------------------- 8: wave labels


def test_a_wave_label_with_a_path_is_refused_at_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wave ``2023/../../raw``, consistent in every file, passed validation, sorted last,
    became the default wave and made the report run write into the raw folder."""
    work = tmp_path / "work"
    build_case("safety_wave_path", work)
    monkeypatch.chdir(work)
    before = folder_digest(work)
    for args in (["validate", "dataset"], ["process", "dataset"], ["reports", "dataset"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        assert lines[-1] == "19 problem(s) found."
        assert all("'2023/../../raw'" in line or "… and 6 more" in line for line in lines[:-1])
        assert folder_digest(work) == before, args
        assert sorted(os.listdir(work)) == ["dataset"]


@pytest.mark.parametrize(
    "label", ["2024/x", "2024\\x", "..", ".", "2024..", "20\x0724", "20\x1b24", "20\x9b24"]
)
def test_unsafe_labels_are_named_with_file_row_and_column(label: str, tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    shutil.copytree(VALID, folder)
    for name in ("survey.csv", "units.csv"):
        text = (folder / name).read_text("utf-8").replace(",2023,", f',"{label}",')
        (folder / name).write_text(text, "utf-8")
    config = (folder / "dataset.yaml").read_text("utf-8")
    config = config.replace('"2023": "2023"', f'{json.dumps(label)}: "2023"')
    (folder / "dataset.yaml").write_text(config, "utf-8")
    with pytest.raises(HRProductivityError) as caught:
        load_dataset(folder)
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert {(p.file, p.column) for p in problems if p.row is not None} == {
        ("survey.csv", "wave"),
        ("units.csv", "wave"),
    }
    messages = [p.message for p in problems if p.row is not None]
    assert all("cannot name a report folder" in m or "more rows like" in m for m in messages)
    assert [p.file for p in problems if p.row is None] == ["dataset.yaml"]


@pytest.mark.parametrize("label", ["2024", "2024-syksy", "2024 syksy", "2024.1", "kevät_2025"])
def test_ordinary_labels_are_safe(label: str) -> None:
    assert unsafe_part(label) is None


def test_the_report_cache_is_never_written_into_the_raw_folder(tmp_path: Path) -> None:
    raw = tmp_path / "dataset"
    shutil.copytree(VALID, raw)
    before = folder_digest(tmp_path)
    with pytest.raises(HRProductivityError, match="refusing to write the report cache"):
        run_reports(
            [Job("K001", {"dataset": str(raw)})],
            template=RECORD,
            wave="2023",
            out=tmp_path / "reports",
            prepare=lambda folder: None,
            input_hash="x",
            cache_dir=raw / "cache",
        )
    assert folder_digest(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["dataset"]


def test_the_runner_refuses_a_wave_that_leads_out_of_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    jobs = [Job("K001", {"org": "K001"})]
    for wave in ("../../raw", "/abs", "2024/../x", ".."):
        with pytest.raises(HRProductivityError, match="cannot name the report folder"):
            run_reports(jobs, template=RECORD, wave=wave, out=out)
    assert not out.exists() and os.listdir(tmp_path) == []


def test_reports_are_never_written_into_the_raw_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``reports --out`` inside the dataset folder wrote (and its cleanup removed) files
    there."""
    folder = tmp_path / "dataset"
    shutil.copytree(VALID, folder)
    monkeypatch.chdir(tmp_path)
    before = folder_digest(tmp_path)
    for out in ("dataset", "dataset/reports"):
        args = ["reports", "dataset", "--wave", "2022", "--out", out, "--template", ORG]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("error: refusing to write reports to ")
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
        assert folder_digest(tmp_path) == before
        assert _tree(folder) == set(os.listdir(VALID))  # no folder made in it either
        assert {p.split("/")[0] for p in _tree(tmp_path)} <= {"dataset", "data"}


# --------------------------------------------------------------------------- 9: stale reports


def test_inputs_are_hashed_by_path_and_content(tmp_path: Path) -> None:
    """Two ``survey.csv`` in subfolders were hashed under one name, so a change to the
    first went unnoticed and the reports were reused."""
    folder = tmp_path / "dataset"
    shutil.copytree(VALID, folder)
    survey = pd.read_csv(folder / "survey.csv", dtype=str)
    for sub, wave in (("a", "2022"), ("b", "2023")):
        (folder / sub).mkdir()
        survey[survey["wave"] == wave].to_csv(folder / sub / "survey.csv", index=False)
    (folder / "survey.csv").unlink()
    config = (folder / "dataset.yaml").read_text("utf-8")
    config = config.replace("survey: survey.csv", "survey: [a/survey.csv, b/survey.csv]")
    (folder / "dataset.yaml").write_text(config, "utf-8")
    first = load_dataset(folder)
    assert set(first.sources) >= {"a/survey.csv", "b/survey.csv"}
    # one answer of the first file changes (qwl_01 of its first row: 3 -> 4)
    text = (folder / "a" / "survey.csv").read_text("utf-8").splitlines()
    head, row = text[0].split(","), text[1].split(",")
    column = head.index("qwl_01")
    assert row[column] == "3"
    row[column] = "4"
    text[1] = ",".join(row)
    (folder / "a" / "survey.csv").write_text("\n".join(text) + "\n", "utf-8")
    second = load_dataset(folder)
    assert second.sources["a/survey.csv"] != first.sources["a/survey.csv"]
    assert dataset_hash(second) != dataset_hash(first)


def test_the_cache_store_prepares_once_and_rebuilds_on_request(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    calls: list[Path] = []

    def prepare(folder: Path) -> None:
        calls.append(folder)
        (folder / "table.txt").write_text(f"build {len(calls)}", "utf-8")

    cache = store.ensure(prepare, key="k")
    assert store.ensure(prepare, key="k") == cache == store.path("k")
    assert (cache / "table.txt").read_text("utf-8") == "build 1"
    store.ensure(prepare, key="k", rebuild=True)
    assert (cache / "table.txt").read_text("utf-8") == "build 2"
    assert store.path("other") != cache  # another input hash, another folder
    # no temporary folder left: the cache and its lock file only
    assert sorted(os.listdir(store.root)) == sorted([cache.name, f".{cache.name}.lock"])


def test_the_cache_store_lets_one_of_two_runs_prepare(tmp_path: Path) -> None:
    """Two runs that want the same cache at once: one prepares, the other waits for it
    and reuses it (before the lock both prepared, and the slower one's work was lost)."""
    import threading

    store = CacheStore(tmp_path / "cache")
    calls: list[Path] = []
    started = threading.Event()

    def prepare(folder: Path) -> None:
        calls.append(folder)
        started.set()
        time.sleep(0.3)  # the second run asks meanwhile
        (folder / "table.txt").write_text("done", "utf-8")

    results: list[Path] = []
    first = threading.Thread(target=lambda: results.append(store.ensure(prepare, key="k")))
    first.start()
    started.wait(5)
    results.append(store.ensure(prepare, key="k"))
    first.join()
    assert len(calls) == 1
    assert results[0] == results[1] and (results[0] / "table.txt").read_text("utf-8") == "done"


@pytest.mark.notebooks
@pytest.mark.slow
def test_no_resume_rebuilds_the_prepared_cache(tmp_path: Path) -> None:
    """``resume=False`` (``--no-resume``) re-executed the reports but reused the cache."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = json.loads(RECORD.read_text("utf-8"))["metadata"]
    params = nbformat.v4.new_code_cell('cache: str = ""\nwave: str = ""\nlang: str = "fi"\n')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "from pathlib import Path\nfrom hrproductivity.reports import record\n"
            "record('built', (Path(cache) / 'built.txt').read_text())"
        ),
    ]
    template = tmp_path / "cached.ipynb"
    nbformat.write(nb, template)
    builds: list[int] = []

    def prepare(folder: Path) -> None:
        builds.append(1)
        (folder / "built.txt").write_text(f"build {len(builds)}", "utf-8")

    def run(resume: bool) -> Any:
        manifest = run_reports(
            [Job("K001", {})],
            template=template,
            wave="2023",
            out=tmp_path / "reports",
            prepare=prepare,
            input_hash="same inputs",
            resume=resume,
            jobs=1,
        )
        entry = manifest.entries["org/K001"]
        assert entry.status == "ok", entry.error
        return json.loads((manifest.folder / entry.outputs["results"]).read_text("utf-8"))

    assert run(resume=True) == {"built": "build 1"}
    assert run(resume=False) == {"built": "build 2"}


# --------------------------------------------------------------------------- 10: mixed sets


def _changed_copy(tmp_path: Path) -> Path:
    """The valid dataset with one answer changed: its tables differ from valid's."""
    folder = tmp_path / "changed"
    shutil.copytree(VALID, folder)
    text = (folder / "survey.csv").read_text("utf-8").splitlines()
    row = text[1].split(",")
    row[-1] = "5" if row[-1] != "5" else "4"
    text[1] = ",".join(row)
    (folder / "survey.csv").write_text("\n".join(text) + "\n", "utf-8")
    return folder


def test_an_interrupted_process_leaves_the_old_set_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk after the first table left a new ``responses.parquet`` beside the old
    tables and the old manifest."""
    out = tmp_path / "processed"
    process(VALID, out=out)
    (out / "report-cache").mkdir()  # a report cache inside the processed folder is kept
    before = folder_digest(out)
    real = pd.DataFrame.to_parquet
    written: list[str] = []

    def disk_full(self: pd.DataFrame, path: Any, **kwargs: Any) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(str(path))
        real(self, path, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    with pytest.raises(OSError, match="No space left"):
        process(_changed_copy(tmp_path), out=out)
    assert folder_digest(out) == before
    assert sorted(os.listdir(tmp_path)) == ["changed", "processed"]  # no temporary folder
    monkeypatch.undo()
    pd.testing.assert_frame_equal(read_processed(out).responses, load_dataset(VALID).responses)
    # and a whole new set replaces the old one, keeping the cache beside it
    process(_changed_copy(tmp_path / "again"), out=out)
    assert (out / "report-cache").is_dir()
    assert folder_digest(out) != before
    assert sorted(os.listdir(tmp_path)) == ["again", "changed", "processed"]


def test_read_processed_refuses_a_mixed_set(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    process(VALID, out=old)
    process(_changed_copy(tmp_path), out=new)
    shutil.copyfile(new / "responses.parquet", old / "responses.parquet")
    with pytest.raises(HRProductivityError, match=r"responses\.parquet differs from the one"):
        read_processed(old)
    (old / "responses.parquet").unlink()
    with pytest.raises(HRProductivityError, match=r"responses\.parquet is missing"):
        read_processed(old)
    (new / "manifest.json").unlink()
    with pytest.raises(HRProductivityError, match="is not a processed folder"):
        read_processed(new)


def test_the_processed_manifest_records_each_table_hash(tmp_path: Path) -> None:
    manifest = json.loads(process(VALID, out=tmp_path / "p").read_text("utf-8"))
    assert manifest["tables"] == {
        f"{t}.parquet": hashlib.sha256((tmp_path / "p" / f"{t}.parquet").read_bytes()).hexdigest()
        for t in ("responses", "units", "hr", "finance")
    }


# --------------------------------------------------------------------------- 5: published files


def test_published_manifest_and_index_name_no_unproduced_report(tmp_path: Path) -> None:
    """The index page and manifest named every hidden unit with its exact n."""
    jobs = [
        Job("K091-Ymparistopalvelut", {"org": "K091"}, "fewer than 5 respondents (n=3)"),
        Job("K091-Liikunta", {"org": "K091"}, "hidden to protect a smaller unit"),
    ]
    manifest = run_reports(jobs, template=RECORD, wave="2023", level="unit", out=tmp_path)
    # the caller (the CLI, an administrator) still gets every entry and reason
    assert manifest.entries["unit/K091-Ymparistopalvelut"].reason.endswith("(n=3)")
    assert manifest.counts()["not_produced"] == 2
    wave = tmp_path / "2023"
    for name in ("manifest.json", "index.html"):
        text = (wave / name).read_text("utf-8")
        for secret in ("Ymparistopalvelut", "Liikunta", "n=3", "fewer than", "smaller unit"):
            assert secret not in text, (name, secret)
    published = json.loads((wave / "manifest.json").read_text("utf-8"))
    assert published["reports"] == [] and published["not_produced"] == {"unit": 2}
    assert "Ei tuotettu: 2." in (wave / "index.html").read_text("utf-8")
    # read back (another run at the org level): the count stays, no name comes back
    loaded = Manifest.load(wave)
    assert loaded.entries == {} and loaded.counts()["not_produced"] == 2


def test_an_old_manifest_that_named_hidden_units_is_cleaned_on_load(tmp_path: Path) -> None:
    wave = tmp_path / "2023"
    wave.mkdir()
    old = {
        "wave": "2023",
        "reports": [
            {"name": "K091-Small", "level": "unit", "status": "not_produced", "reason": "n=3"}
        ],
    }
    (wave / "manifest.json").write_text(json.dumps(old), "utf-8")
    loaded = Manifest.load(wave)
    assert loaded.entries == {} and loaded.withheld == {"unit": 1}
    loaded.write()
    assert "K091-Small" not in (wave / "manifest.json").read_text("utf-8")


def test_results_figures_are_rounded_as_the_page_prints_them() -> None:
    """By hand: 61.849 % prints 61,8 %, 63.751 % prints 63,8 %, a rate of 76.5 % prints
    77 % (whole percents, half up), 1 234,5 € prints 1 235 €; counts stay as they are."""
    from hrproductivity.errors import ReportError
    from hrproductivity.reports.formatting import as_printed as _as_printed

    numbers = {
        "qwl_index": 0.61849,
        "qwl_index_ci": [0.6, 0.63751],
        "response_rate": 0.765,
        "absence_cost_eur": 1234.5,
        "factors": {"FE": 0.70049},
        "respondents": 7,
        "band": "hyvä",
    }
    assert _as_printed(numbers) == {
        "qwl_index": 0.618,
        "qwl_index_ci": [0.6, 0.638],
        "response_rate": 0.77,
        "absence_cost_eur": 1235.0,
        "factors": {"FE": 0.7},
        "respondents": 7,
        "band": "hyvä",
    }
    for unlisted in ({"new_share": 0.5}, {"new_table": {"a": [1, 0.25]}}):
        with pytest.raises(ReportError, match="no printed precision"):
            _as_printed(unlisted)
