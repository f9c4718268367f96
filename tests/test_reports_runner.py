"""The report runner: parameter checks, parallel runs, failures, resume, interruption, Dask.

Templates are small fixtures in tests/data/notebooks/: ``record_number`` prints
and records a number, ``fails_for_one_org`` raises for organisation K179. Kernel
start-up (about a second each) dominates, so runs are shared where a test only
reads their results.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from hrproductivity.errors import ReportError, UnknownNameError
from hrproductivity.reports import (
    Job,
    Manifest,
    check_parameters,
    inspect_template,
    plan_jobs,
    record,
    run_reports,
)
from hrproductivity.reports.runner import _load_template, _parameterised
from hrproductivity.reports.worker import Task, execute_job

HERE = Path(__file__).parent
TEMPLATES = HERE / "data" / "notebooks"
RECORD = TEMPLATES / "record_number.ipynb"
FAILS = TEMPLATES / "fails_for_one_org.ipynb"
VALID = HERE / "data" / "valid"
HAS_CHROMIUM = shutil.which("chromium") is not None


def _jobs(n: int) -> list[Job]:
    return [Job(f"K{i:03d}", {"org": f"K{i:03d}", "value": i}) for i in range(n)]


def _no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- checks before a run


def test_unknown_parameter_is_rejected_before_anything_runs(tmp_path: Path) -> None:
    jobs = [Job("K001", {"org": "K001", "colour": "red"})]
    with pytest.raises(ReportError, match=r"unknown parameter 'colour'.*record_number\.ipynb"):
        run_reports(jobs, template=RECORD, wave="2023", out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_mistyped_parameter_names_the_parameter_type_and_template(tmp_path: Path) -> None:
    jobs = [Job("K001", {"org": "K001", "value": "3"})]
    with pytest.raises(ReportError) as info:
        run_reports(jobs, template=RECORD, wave="2023", out=tmp_path / "out")
    message = str(info.value)
    assert "'value'" in message and "expects int" in message and "record_number.ipynb" in message
    assert not (tmp_path / "out").exists()


def test_parameter_types_follow_the_declarations(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """\
        org: str = "K091"
        min_n: int = 5
        share: float = 0.5
        show_comments: bool = False
        units: list[str] = []
        unit: str | None = None
        lang: Literal["fi", "en"] = "fi"
        untyped = 3
        anything = None
        """
    )
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    declared = inspect_template(path)
    good = {
        "org": "K1",
        "min_n": 3,
        "share": 1,
        "show_comments": True,
        "units": ["a", "b"],
        "unit": None,
        "lang": "en",
        "untyped": 7,
        "anything": {"a": 1},
    }
    check_parameters(path, good, declared=declared)
    check_parameters(path, {"unit": "Kotihoito"}, declared=declared)
    bad = [
        {"min_n": True},
        {"min_n": 2.5},
        {"share": "0.5"},
        {"units": ["a", 1]},
        {"unit": 3},
        {"lang": "sv"},
        {"untyped": "x"},
    ]
    for params in bad:
        with pytest.raises(ReportError, match=repr(next(iter(params)))):
            check_parameters(path, params, declared=declared)


def test_unknown_names_list_what_exists(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="dask, local"):
        run_reports(_jobs(1), template=RECORD, wave="2023", executor="spark", out=tmp_path)
    with pytest.raises(UnknownNameError, match="html, pdf"):
        run_reports(_jobs(1), template=RECORD, wave="2023", formats=["docx"], out=tmp_path)
    with pytest.raises(ReportError, match="not found"):
        run_reports(_jobs(1), template=tmp_path / "nope.ipynb", wave="2023", out=tmp_path)
    with pytest.raises(ReportError, match="no Jupyter kernel named 'nope'"):
        run_reports(_jobs(1), template=RECORD, wave="2023", kernel_name="nope", out=tmp_path)


def test_cli_reports_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from hrproductivity.cli import app

    args = ["reports", str(VALID), "--wave", "2022", "--template", str(RECORD)]
    result = CliRunner().invoke(app, [*args, "--lang", "sv", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip() == "error: unknown language 'sv'; choose one of: en, fi"
    result = CliRunner().invoke(app, [*args, "--wave", "2030", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "wave '2030' is not in the dataset" in result.output


def test_missing_chromium_is_reported_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hrproductivity.reports.export.shutil.which", lambda name: None)
    with pytest.raises(ReportError, match=r"apt-get install chromium"):
        run_reports(
            _jobs(1), template=RECORD, wave="2023", formats=["html", "pdf"], out=tmp_path / "o"
        )
    assert not (tmp_path / "o").exists()


def test_plan_jobs_one_per_org_or_unit_and_small_units_not_produced() -> None:
    orgs = plan_jobs(VALID, wave="2022")
    assert [j.name for j in orgs] == ["K091", "K179", "K837"]
    assert orgs[0].parameters["dataset"] == str(VALID.resolve())
    units = plan_jobs(VALID, wave="2022", level="unit", orgs=["K179"], min_n=3)
    assert [j.parameters["unit"] for j in units] == [
        "Kirjasto",
        "Ruokapalvelut",
        "Terveysasema Keskusta",
    ]
    assert units[2].name == "K179-Terveysasema-Keskusta"
    small = [j for j in plan_jobs(VALID, wave="2022", level="unit", min_n=50)]
    assert all(j.not_produced and "fewer than 50" in j.not_produced for j in small)
    with pytest.raises(UnknownNameError, match="K091"):
        plan_jobs(VALID, wave="2022", orgs=["K000"])
    with pytest.raises(ReportError, match="2022, 2023"):
        plan_jobs(VALID, wave="2030")


def test_record_writes_the_results_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import pandas as pd

    path = tmp_path / "K091.results.json"
    record("qwl_index", np.float64(61.8), path=path)
    record("n", np.int64(42), path=path)
    record("bands", pd.Series([1, 2]), path=path)
    record("missing", float("nan"), path=path)
    assert json.loads(path.read_text()) == {
        "qwl_index": 61.8,
        "n": 42,
        "bands": [1, 2],
        "missing": None,
    }
    monkeypatch.setenv("HRPRODUCTIVITY_RESULTS", str(tmp_path / "env.json"))
    record("answer", 1)
    assert json.loads((tmp_path / "env.json").read_text()) == {"answer": 1}
    with pytest.raises(TypeError, match="to_dict"):
        record("table", pd.DataFrame({"a": [1]}))
    monkeypatch.delenv("HRPRODUCTIVITY_RESULTS")
    record("interactive", 1)  # outside a run: checked, not saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["K091.results.json", "env.json"]


# --------------------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> tuple[Manifest, Path, tuple[str, ...]]:
    """Four reports, two at a time (PDF too when Chromium is installed)."""
    out = tmp_path_factory.mktemp("four")
    formats = ("html", "pdf") if HAS_CHROMIUM else ("html",)
    manifest = run_reports(
        _jobs(4), template=RECORD, wave="2023", jobs=2, formats=formats, out=out, lang="en"
    )
    return manifest, out, formats


@pytest.mark.notebooks
@pytest.mark.slow
def test_parallel_run_produces_reports_without_code(
    four: tuple[Manifest, Path, tuple[str, ...]],
) -> None:
    manifest, out, formats = four
    assert manifest.counts() == {"ok": 4, "skipped": 0, "failed": 0, "not_produced": 0}
    for i in range(4):
        html = (out / "2023" / "org" / f"K{i:03d}.html").read_text(encoding="utf-8")
        assert f"Organisaatio K{i:03d}, kierros 2023: vastaus {2 * i}" in html
        assert 'class="jp-InputPrompt' not in html and 'class="jp-OutputPrompt' not in html
        assert html.count('class="jp-InputArea') == 1  # the markdown title only
        assert "answer = value * 2" not in html and "record(" not in html
        assert "Traceback" not in html and "<script src=" not in html
        nb = nbformat.read(out / "2023" / "org" / f"K{i:03d}.ipynb", as_version=4)
        assert nb.metadata.papermill.parameters["org"] == f"K{i:03d}"
        results = json.loads((out / "2023" / "org" / f"K{i:03d}.results.json").read_text())
        assert results == {"answer": 2 * i, "org": f"K{i:03d}"}
    on_disk = json.loads((out / "2023" / "manifest.json").read_text())
    entry = on_disk["reports"][1]
    assert entry["status"] == "ok" and entry["parameters"]["value"] == 1
    assert set(entry["outputs"]) == {"ipynb", "results", *formats}
    assert entry["versions"]["papermill"] and len(entry["template_hash"]) == 64
    index = (out / "2023" / "index.html").read_text(encoding="utf-8")
    assert "Reports – survey wave 2023" in index and index.count('href="org/K00') >= 8
    assert _no_temporary_files(out)


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.skipif(not HAS_CHROMIUM, reason="needs Debian's chromium package")
def test_pdf_is_printed_on_a4(four: tuple[Manifest, Path, tuple[str, ...]]) -> None:
    from pypdf import PdfReader

    _, out, _ = four
    reader = PdfReader(out / "2023" / "org" / "K002.pdf")
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    assert "vastaus 4" in page.extract_text()


@pytest.mark.notebooks
@pytest.mark.slow
def test_rerun_with_nothing_changed_executes_nothing(
    four: tuple[Manifest, Path, tuple[str, ...]],
) -> None:
    _, out, formats = four
    before = (out / "2023" / "org" / "K001.html").stat().st_mtime_ns
    manifest = run_reports(
        _jobs(4), template=RECORD, wave="2023", formats=formats, out=out, lang="en"
    )
    assert [e.status for e in manifest.entries.values()] == ["skipped"] * 4
    assert (out / "2023" / "org" / "K001.html").stat().st_mtime_ns == before
    # a format already produced is not asked for: still up to date
    again = run_reports(_jobs(4), template=RECORD, wave="2023", out=out, lang="en")
    assert again.counts()["skipped"] == 4
    # another language is another report
    other = run_reports(_jobs(1), template=RECORD, wave="2023", out=out, lang="fi", jobs=1)
    assert other.counts()["ok"] == 1


@pytest.mark.notebooks
@pytest.mark.slow
def test_failure_stops_no_other_report_and_the_cli_exits_1(tmp_path: Path) -> None:
    from hrproductivity.cli import app

    out = tmp_path / "reports"
    args = ["reports", str(VALID), "--wave", "2022", "--template", str(FAILS)]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert "org/K179: failed: cell" in result.output
    assert "ValueError: no data for organisation K179" in result.output
    manifest = Manifest.load(out / "2022")
    status = {e.name: e.status for e in manifest.entries.values()}
    assert status == {"K091": "ok", "K179": "failed", "K837": "ok"}
    failed = manifest.entries["org/K179"]
    assert failed.attempts == 1  # the notebook's own error is not retried
    assert "raise ValueError" in failed.error["source"]
    assert failed.error["exception"] == "ValueError: no data for organisation K179"
    assert set(failed.outputs) == {"failed_ipynb"}
    assert not (out / "2022" / "org" / "K179.html").exists()
    index = (out / "2022" / "index.html").read_text(encoding="utf-8")
    assert "epäonnistui" in index and "raise ValueError" in index
    assert (out / "2022" / "org" / "K837.html").is_file()


@pytest.mark.notebooks
@pytest.mark.slow
def test_not_produced_reports_are_recorded_and_their_old_files_removed(tmp_path: Path) -> None:
    stale = tmp_path / "2023" / "unit" / "K091-Small.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<html>an old report</html>")
    jobs = [Job("K091-Small", {"org": "K091"}, not_produced="fewer than 5 respondents (n=3)")]
    manifest = run_reports(jobs, template=RECORD, wave="2023", level="unit", out=tmp_path)
    entry = manifest.entries["unit/K091-Small"]
    assert entry.status == "not_produced" and entry.reason.startswith("fewer than 5")
    assert not stale.exists()
    assert "ei tuotettu" in (tmp_path / "2023" / "index.html").read_text(encoding="utf-8")
    # planned from a dataset: every unit of 2023 is too small to report
    planned = run_reports(VALID, template=RECORD, wave="2023", level="unit", out=tmp_path)
    assert planned.counts()["not_produced"] == 7
    assert planned.entries["unit/K837-Koulu-Hervanta"].reason.startswith("fewer than 5")


@pytest.mark.notebooks
def test_running_workers_passed_as_the_executor_stay_the_callers(tmp_path: Path) -> None:
    """Workers opened by the caller's ``with`` block run the reports and outlive the run;
    the block, not the run, stops them."""
    from hrproductivity.reports import local_workers

    with local_workers(2, ahead=2) as workers:
        manifest = run_reports(
            _jobs(2), template=RECORD, wave="2023", executor=workers, out=tmp_path
        )
        assert manifest.counts()["ok"] == 2
        processes = workers.processes
        assert processes and all(p.is_alive() for p in processes)
    assert workers.processes == []


@pytest.mark.notebooks
@pytest.mark.slow
def test_a_killed_run_leaves_whole_reports_and_a_rerun_completes_it(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    script = (
        "from hrproductivity.reports import Job, run_reports\n"
        f"jobs = [Job(f'K{{i:03d}}', {{'org': f'K{{i:03d}}', 'value': i}}) for i in range(4)]\n"
        f"run_reports(jobs, template={str(RECORD)!r}, wave='2023', jobs=1, out={str(out)!r})\n"
    )
    scratch = tmp_path / "tmp"  # SIGKILL leaves the run's scratch folder; keep it here
    scratch.mkdir()
    log = tmp_path / "stderr.txt"
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            env={**os.environ, "TMPDIR": str(scratch)},
            stderr=stderr,
        )
    folder = out / "2023" / "org"
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.html")) and time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before it was killed: {log.read_text()}"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    produced = sorted(p.name for p in folder.glob("*.html"))
    assert 1 <= len(produced) < 4
    for name in produced:  # what is there is whole
        assert (folder / name).read_text(encoding="utf-8").rstrip().endswith("</html>")

    manifest = run_reports(_jobs(4), template=RECORD, wave="2023", jobs=2, out=out)
    assert manifest.ok and manifest.counts()["ok"] >= 4 - len(produced)
    for i in range(4):
        assert (folder / f"K{i:03d}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
        nbformat.read(folder / f"K{i:03d}.ipynb", as_version=4)
    assert _no_temporary_files(out)


@pytest.mark.notebooks
@pytest.mark.slow
def test_dask_executor_on_a_local_cluster(tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        manifest = run_reports(
            _jobs(2),
            template=RECORD,
            wave="2023",
            executor="dask",
            scheduler=cluster.scheduler_address,
            out=tmp_path,
        )
    assert manifest.counts()["ok"] == 2
    results = json.loads((tmp_path / "2023" / "org" / "K001.results.json").read_text())
    assert results["answer"] == 2


# --------------------------------------------------------------------------- kernel start failures


def _kernel(folder: Path, name: str, script: str) -> None:
    """A kernelspec whose start-up runs ``script`` with the connection file as argv[1]."""
    spec = folder / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "start.py").write_text(script)
    argv = [sys.executable, str(spec / "start.py"), "{connection_file}"]
    kernel = {"argv": argv, "display_name": name, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))


_FLAKY = """\
import pathlib, runpy, sys
marker = pathlib.Path(__file__).with_name("died-once")
if not marker.exists():  # the first start dies, as when another kernel took the port
    marker.touch()
    sys.exit(3)
sys.argv = ["ipykernel_launcher", "-f", sys.argv[1]]
runpy.run_module("ipykernel_launcher", run_name="__main__")
"""


@pytest.mark.notebooks
@pytest.mark.slow
def test_a_kernel_that_dies_on_start_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    _kernel(tmp_path, "flaky", _FLAKY)
    _kernel(
        tmp_path, "dead", "import sys\nsys.exit('zmq.error.ZMQError: Address already in use')\n"
    )
    params = {"org": "K001", "value": 1, "wave": "2023", "lang": "fi"}
    nb = _load_template(RECORD)

    flaky = execute_job(
        Task("org/K001", _parameterised(nb, params, "flaky"), kernel_name="flaky", backoff=0.01)
    )
    assert flaky.ok and flaky.attempts == 2
    assert json.loads(flaky.files["results"]) == {"answer": 2, "org": "K001"}

    dead = execute_job(
        Task("org/K001", _parameterised(nb, params, "dead"), "dead", attempts=2, backoff=0.01)
    )
    assert not dead.ok and dead.attempts == 2
    assert "did not start (2 attempts)" in dead.error["message"]
    assert "the kernel wrote: zmq.error.ZMQError: Address already in use" in dead.error["message"]
    assert "failed_ipynb" not in dead.files
