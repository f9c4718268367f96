"""The example dataset and the report templates ship inside the package.

A user who installed the wheel has no repository: ``hrproductivity demo``, the
report pipeline and a template opened with its defaults must find the example
and the templates in the installed package, whatever the working folder, and
must write nothing into the package.

The repository keeps its old paths (``data/raw/example``,
``notebooks/<level>_report.ipynb``) as relative symbolic links to the packaged
copies, so there is one copy of each.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hrproductivity as hp
from hrproductivity.errors import UnknownNameError
from hrproductivity.templates import report_template

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(hp.__file__).resolve().parent
BIN = Path(sys.executable).parent
KERNEL = "hrproductivity"
LEVELS = ("org", "unit")


def _tree(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path (bytecode caches aside)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


# --------------------------------------------------------------------------- fast


def test_the_example_and_the_templates_are_inside_the_package() -> None:
    folder = hp.datasets.example()
    assert folder.is_absolute() and folder.is_relative_to(PACKAGE)
    assert (folder / "dataset.yaml").is_file()
    for level in LEVELS:
        template = report_template(level)
        assert template.is_absolute() and template.is_relative_to(PACKAGE)
        tags = [c["metadata"].get("tags", []) for c in json.loads(template.read_text())["cells"]]
        assert ["parameters"] in tags, level


def test_the_repository_paths_lead_to_the_one_packaged_copy() -> None:
    """``data/raw/example`` and ``notebooks/<level>_report.ipynb`` are relative links
    (a clone anywhere keeps them working) to the packaged files, not second copies."""
    old = {ROOT / "data" / "raw" / "example": hp.datasets.example()}
    old |= {ROOT / "notebooks" / f"{lv}_report.ipynb": report_template(lv) for lv in LEVELS}
    for path, packaged in old.items():
        assert path.is_symlink(), path
        assert not os.path.isabs(os.readlink(path)), path
        assert path.resolve() == packaged.resolve(), path


def test_an_unknown_report_level_names_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="org, unit"):
        report_template("department")


def test_no_notebook_or_template_default_points_into_the_repository() -> None:
    """A default such as ``../data/raw/example`` works only from one working folder."""
    notebooks = [report_template(lv) for lv in LEVELS]
    notebooks += sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    for notebook in notebooks:
        code = "".join(
            "".join(c["source"])
            for c in json.loads(notebook.read_text())["cells"]
            if c["cell_type"] == "code"
        )
        assert "data/raw" not in code and '"../' not in code, notebook


# --------------------------------------------------------------------------- papermill


@pytest.fixture(scope="module")
def papermill_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each template with its defaults through papermill's command line, from the
    repository root and from a folder outside it; the four runs at the same time."""
    runs: dict[tuple[str, str], tuple[subprocess.Popen[str], Path]] = {}
    for level in LEVELS:
        for where in ("root", "elsewhere"):
            out = tmp_path_factory.mktemp(f"{level}-{where}")
            # from the root as the README says it; from elsewhere by its absolute path
            cwd = ROOT if where == "root" else out
            template = Path("notebooks") / f"{level}_report.ipynb"
            notebook = template if where == "root" else ROOT / template
            args = [str(BIN / "papermill"), "-k", KERNEL, str(notebook), str(out / "out.ipynb")]
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
            proc = subprocess.Popen(
                args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            runs[level, where] = (proc, out)
    done = {}
    for key, (proc, out) in runs.items():
        log, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{key}: papermill failed:\n{log[-3000:]}"
        done[key] = out
    return done


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("where", ["root", "elsewhere"])
def test_papermill_runs_each_template_with_its_defaults_from_any_folder(
    papermill_runs: dict[tuple[str, str], Path], level: str, where: str
) -> None:
    """The defaults name organisation Kuusikoski of the packaged example (see the
    templates' parameters cell); the run from another folder leaves nothing there but
    the output notebook."""
    out = papermill_runs[level, where]
    nb = json.loads((out / "out.ipynb").read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = json.dumps(outputs, ensure_ascii=False)
    assert "Kuusikoski" in text
    if where == "elsewhere":
        assert sorted(p.name for p in out.iterdir()) == ["out.ipynb"]


# --------------------------------------------------------------------------- the wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (the build leaves ``build/`` behind)."""
    src = tmp_path_factory.mktemp("source")
    shutil.copytree(
        ROOT / "src",
        src / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    shutil.copytree(ROOT / "share", src / "share")  # the Jupyter kernel (data-files)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
        check=True,
        capture_output=True,
    )
    (found,) = dist.glob("hrproductivity-*.whl")
    return found


@pytest.mark.notebooks
@pytest.mark.slow
def test_the_wheel_runs_the_demo_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel (the dependencies from this environment), ``python -m
    hrproductivity demo`` run in an empty folder reports on the packaged example: one
    report per organisation of the example, all from the installed template, written
    under the working folder; the installed package is left as it was. The wheel also
    carries the Jupyter kernel the reports run in, which a fresh environment would
    otherwise lack (here this environment's own serves)."""
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
    shipped = {f"hrproductivity/datasets/example/{n}" for n in _tree(hp.datasets.example())}
    shipped |= {f"hrproductivity/templates/{lv}_report.ipynb" for lv in LEVELS}
    kernel = "data/share/jupyter/kernels/hrproductivity/kernel.json"  # into the environment
    shipped.add(f"hrproductivity-{hp.__version__}.data/{kernel}")
    assert shipped <= names

    target, work = tmp_path / "site", tmp_path / "work"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
    subprocess.run(
        [*pip, "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    installed = target / "hrproductivity"
    before = _tree(installed)
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "hrproductivity", "demo"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    manifest = json.loads((work / "reports" / "2024" / "manifest.json").read_text())
    orgs = hp.load_dataset(installed / "datasets" / "example").orgs
    entries = manifest["reports"]
    assert sorted(e["parameters"]["org"] for e in entries) == sorted(orgs)
    for entry in entries:
        assert entry["status"] == "ok", entry["name"]
        assert Path(entry["template"]) == installed / "templates" / "org_report.ipynb"
        assert Path(entry["parameters"]["dataset"]) == installed / "datasets" / "example"
        assert (work / "reports" / "2024" / "org" / f"{entry['name']}.html").is_file()
    assert (work / "data" / "processed" / "example" / "manifest.json").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["data", "reports"]
    assert _tree(installed) == before
