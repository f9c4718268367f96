"""Report kernels forked from a warm fork server (hrproductivity.reports.kernels).

What must hold: every notebook still runs in a process of its own, with the
environment and working folder it was given and nothing left over from an
earlier notebook; figures still show; other interpreters start the usual way;
and no kernel outlives its worker, even when the worker is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from hrproductivity.errors import ReportError
from hrproductivity.reports import executors
from hrproductivity.reports.kernels import (
    FORK_ENV,
    ReportKernelManager,
    _kernel_args,
    fork_server,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="kernels are forked on Linux only"
)


def _run(tmp_path: Path, *cells: str, env: dict[str, str] | None = None) -> NotebookNode:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "hrproductivity", "language": "python"}
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(tmp_path / "k")
    client = NotebookClient(
        nb,
        kernel_name="hrproductivity",
        timeout=60,
        shutdown_kernel="immediate",
        kernel_manager_class=ReportKernelManager,
        config=config,
    )
    client.execute(cwd=str(tmp_path), env={**os.environ, **(env or {})})
    return nb


def _text(nb: NotebookNode, cell: int = 0) -> str:
    return "".join(o.get("text", "") for o in nb.cells[cell].outputs)


def _gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.notebooks
def test_each_notebook_runs_in_a_fresh_process_of_its_own(tmp_path: Path) -> None:
    server = fork_server()
    assert server is not None and server.alive
    probe = (
        "import os, sys\n"
        "print(os.getpid(), os.getppid(), os.getcwd(), os.environ.get('HRP_PROBE'))\n"
        "print('pandas' in sys.modules, 'matplotlib.pyplot' in sys.modules)\n"
        "import hrproductivity.reports.content as C\n"
        "print(hasattr(C, 'left_behind'))\n"
        "C.left_behind = 1"
    )
    first = _text(_run(tmp_path, probe, env={"HRP_PROBE": "one"})).split()
    (tmp_path / "b").mkdir()
    second = _text(_run(tmp_path / "b", probe, env={"HRP_PROBE": "two"})).split()
    pid1, ppid1, cwd1, probe1, *loaded1, left1 = first
    pid2, ppid2, cwd2, probe2, *_, left2 = second
    assert pid1 != pid2 and os.getpid() not in (int(pid1), int(pid2))
    assert ppid1 == ppid2 == str(server._process.pid)  # forked by the server
    assert (cwd1, probe1) == (str(tmp_path), "one")
    assert (cwd2, probe2) == (str(tmp_path / "b"), "two")
    assert loaded1 == ["True", "True"]  # imported before the notebook asked
    assert left1 == left2 == "False"  # nothing carries over from one notebook to the next
    assert _gone(int(pid1), 5) and _gone(int(pid2), 5)  # stopped after their notebook


@pytest.mark.notebooks
def test_modules_import_from_the_notebooks_folder_not_the_servers(tmp_path: Path) -> None:
    (tmp_path / "local_helper_mod.py").write_text("VALUE = 7\n")
    code = (
        "import os, sys, local_helper_mod\nprint(local_helper_mod.VALUE, os.getcwd() in sys.path)"
    )
    assert str(Path.cwd()) != str(tmp_path)
    nb = _run(tmp_path, code, f"import sys\nprint({str(Path.cwd())!r} in sys.path)")
    assert _text(nb).split() == ["7", "False"]
    assert _text(nb, 1).strip() == "False"  # the server's working folder is not on the path


@pytest.mark.notebooks
def test_inline_figures_still_show(tmp_path: Path) -> None:
    nb = _run(tmp_path, "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")
    kinds = [o["output_type"] for o in nb.cells[0].outputs]
    assert "display_data" in kinds
    assert "image/png" in nb.cells[0].outputs[kinds.index("display_data")]["data"]


def test_only_this_pythons_ipykernel_is_forked() -> None:
    me = sys.executable
    assert _kernel_args([me, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    flags = [me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]
    assert _kernel_args(flags) == ["-f", "c.json"]
    assert _kernel_args(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "c"]) is None
    assert _kernel_args([me, "-m", "other_kernel", "-f", "c.json"]) is None
    assert _kernel_args(["R", "--slave", "-e", "IRkernel::main()"]) is None
    assert _kernel_args([]) is None


@pytest.mark.notebooks
def test_a_stopped_fork_server_is_started_again(tmp_path: Path) -> None:
    server = fork_server()
    assert server is not None
    server._process.kill()
    server._process.wait()
    again = fork_server()
    assert again is not None and again is not server and again.alive
    assert _text(_run(tmp_path, "print(6 * 7)")).strip() == "42"


_HOLDER = """\
import os, sys
from jupyter_client import AsyncKernelManager
from hrproductivity.reports.kernels import ReportKernelManager
import asyncio
km = ReportKernelManager(kernel_name="hrproductivity", transport="ipc", ip=sys.argv[1])
asyncio.run(km.start_kernel())
print(km.provisioner.pid, flush=True)
sys.stdin.read()  # until killed
"""


def test_no_kernel_outlives_a_killed_worker(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path / "k")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    kernel = int(holder.stdout.readline())
    time.sleep(1.5)  # the kernel is up and watching its parent
    assert not _gone(kernel, 0.1)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    # the fork server sees its worker gone and stops; the kernel sees its server gone
    assert _gone(kernel, 10), "the kernel outlived its worker"


def test_started_workers_live_as_long_as_their_with_block() -> None:
    with executors.local_workers(2) as workers:
        deadline = time.monotonic() + 30
        while len(workers.processes) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        processes = workers.processes
        assert len(processes) == 2
        assert all(p.is_alive() for p in processes)
    assert workers.processes == []
    # (the pool's own thread may be the one that reaps them: give it a moment)
    deadline = time.monotonic() + 5
    while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(p.is_alive() for p in processes)
    with pytest.raises(ReportError, match="with block"):
        next(workers.run([]))


def test_record_is_the_function_even_after_its_module_is_imported() -> None:
    # the fork server imports hrproductivity.reports.record before any notebook
    code = textwrap.dedent(
        """
        import hrproductivity.reports.record
        from hrproductivity.reports import record
        print(callable(record))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_an_edit_of_the_package_starts_the_server_again(tmp_path: Path) -> None:
    import hrproductivity.reports.kernels as kernels

    server = fork_server()
    assert server is not None
    source = Path(kernels.__file__)
    before = source.stat()
    try:
        newer = kernels._source_stamp() + 10**9  # than every file of the package
        os.utime(source, ns=(before.st_atime_ns, newer))
        edited = fork_server()
        assert edited is not None and edited is not server and edited.alive
        assert not server.alive
        assert fork_server() is edited  # unchanged since: the same server
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.notebooks
def test_forking_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FORK_ENV, "0")
    assert fork_server() is None
    parent = _text(_run(tmp_path, "import os\nprint(os.getppid())")).strip()
    assert parent == str(os.getpid())  # started by this process, the usual way


@pytest.mark.notebooks
def test_a_run_that_fails_early_leaves_no_started_workers(tmp_path: Path) -> None:
    import multiprocessing

    from hrproductivity.errors import HRProductivityError
    from hrproductivity.reports.pipeline import build_reports

    before = set(multiprocessing.active_children())
    with pytest.raises(HRProductivityError):  # the folder is not a dataset
        build_reports(tmp_path, out=tmp_path / "reports", jobs=2)
    assert set(multiprocessing.active_children()) <= before  # its workers stopped with it


def test_only_the_workers_asked_for_start_ahead() -> None:
    with executors.local_workers(8, ahead=1) as workers:  # a big machine, one report
        time.sleep(0.5)
        assert len(workers.processes) == 1
