"""The report kernels' fork server: ``python -m hrproductivity.reports._zygote``.

Started by :mod:`hrproductivity.reports.kernels`, one per worker process. It
imports ipykernel and the report modules once, says ``ready``, then reads
one JSON request a line on standard input (``args``, ``env``, ``cwd``,
``log``) and forks a kernel for each, answering with the kernel's process id
on its reply pipe. It exits when its standard input closes (its worker is
gone); its kernels then exit too (ipykernel watches its parent process).
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import signal
import sys
import traceback
from typing import Any

PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "pyarrow.parquet",  # pandas imports these on the first read_parquet
    "pyarrow.dataset",
    "pyarrow.pandas_compat",
    "scipy.special",  # t quantiles of the reports' intervals (aggregation.mean_ci)
    "hrproductivity.reports.content",
    "hrproductivity.notebook",
    "hrproductivity.reports.record",
)


def _warm_up() -> None:
    """Draw a small figure to SVG, so fonts and text layout are loaded once, here.

    Through :class:`~matplotlib.figure.Figure`, not pyplot: pyplot's backend is
    chosen in each kernel (a report selects Agg, a teaching notebook the
    inline backend).
    """
    import io

    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.barh(["Työn sujuvuus", "Yhteistyö"], [0.6, 0.7], label="Kuusikoski")
    ax.set_title("Työelämän laatu 61,8 %")
    ax.legend()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(io.StringIO(), format="svg", bbox_inches="tight")


def _kernel(request: dict[str, Any], reply: int) -> int:
    """In the forked child: become a kernel process of its own and run ipykernel."""
    os.close(reply)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()  # its own process group, as jupyter_client gives a launched kernel
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    log = request.get("log")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    # ipykernel exits when its parent process goes; the parent is this server. (It
    # reads JPY_PARENT_PID when imported, which here was before this kernel's time.)
    args = [*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = ["ipykernel_launcher", *args]
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance(argv=args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def main() -> None:
    # `python -m` put this server's working folder first on the module path; a
    # kernel's own folder comes in as IPython's '' (as in a kernel started anew)
    if sys.path and sys.path[0] == os.getcwd():
        del sys.path[0]
    reply = os.dup(1)  # replies on their own descriptor; stray output goes to stderr
    os.dup2(2, 1)
    # matplotlib reads this when imported; ipykernel would set it at start
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a kernel then imports it itself
            traceback.print_exc()
    try:
        _warm_up()
    except Exception:  # noqa: BLE001 - only a head start
        traceback.print_exc()
    # What is loaded now lives as long as every kernel: out of the garbage
    # collector's sight, a kernel's collections do not walk (and so copy) it
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished kernels are reaped at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides when to stop
    try:
        serve(reply)
    except BrokenPipeError:  # the worker went away: so does its server
        pass


def serve(reply: int) -> None:
    """Answer ``ready``, then fork a kernel for each request on standard input."""
    os.write(reply, b"ready\n")
    for line in sys.stdin.buffer:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _kernel(request, reply)
            except BaseException:  # noqa: BLE001 - never return into the server's loop
                traceback.print_exc()
            finally:
                try:
                    atexit._run_exitfuncs()
                finally:
                    os._exit(code)
        os.write(reply, f"{pid}\n".encode())


if __name__ == "__main__":
    main()
