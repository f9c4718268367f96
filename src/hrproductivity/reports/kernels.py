"""Report kernels forked from a warm process instead of started from scratch.

A fresh ``python -m ipykernel_launcher`` spends about half a second starting
Python and importing ipykernel, and a report template then imports pandas,
pyarrow and matplotlib before it does any work of its own: on a 2-core
machine, most of a report's time. Here a worker starts one fork server
(:mod:`hrproductivity.reports._zygote`) that has imported ipykernel and the
report modules once; each report's kernel is a fresh process forked from it,
with its own environment, working folder, log and process group, and is from
then on an ordinary ipykernel. The notebook still runs in a kernel of its own:
nothing is shared between reports but the imported code (copy-on-write).

:class:`ReportKernelManager` is the kernel manager that does this, for
nbclient. It launches kernels the usual way when the kernel spec is not this
Python's ipykernel (another interpreter or language), where forking is not
done (see :func:`fork_server`), and when the fork server cannot start.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from queue import Empty
from typing import IO, Any

import zmq.asyncio
from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

__all__ = [
    "FORK_ENV",
    "ForkServer",
    "ReportKernelClient",
    "ReportKernelManager",
    "fork_server",
]

_LAUNCHERS = ("ipykernel_launcher", "ipykernel")
FORK_ENV = "HRPRODUCTIVITY_FORK_KERNELS"
"""Set to ``0`` to start every kernel the usual way (a new Python process)."""


class ForkServer:
    """A running fork server (one per process, see :func:`fork_server`)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._lock = threading.Lock()
        self._ready = False
        self.stamp = _source_stamp()
        self._process = subprocess.Popen(
            # -Xfrozen_modules=off as in ipykernel's own kernel spec (for its debugger)
            [sys.executable, "-Xfrozen_modules=off", "-m", "hrproductivity.reports._zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=dict(env if env is not None else os.environ),
            start_new_session=True,  # Ctrl-C in the terminal is for the parent to handle
        )

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def fork(self, args: Sequence[str], env: Mapping[str, str], cwd: str, log: str | None) -> int:
        """Fork a kernel running ``ipykernel_launcher args``; its process id."""
        request = {"args": list(args), "env": dict(env), "cwd": cwd, "log": log}
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        with self._lock:
            if not self._ready:
                self._ready = _readline(stdout) == "ready"
                if not self._ready:
                    raise OSError("the kernel fork server did not start")
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
            answer = _readline(stdout)
        if not answer.isdigit():
            raise OSError("the kernel fork server stopped")
        return int(answer)

    def close(self) -> None:
        """Stop the server (kernels it forked exit when they see it gone)."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()


def _source_stamp() -> int:
    """The newest modification time of this package's Python files (nanoseconds).

    A kernel forked from the server runs the code the server imported; after
    an edit of the package (an editable install in development), the server
    is started again so that kernels see the edit, as fresh kernels would.
    """
    root = Path(__file__).resolve().parents[1]
    return max((p.stat().st_mtime_ns for p in root.rglob("*.py")), default=0)


def _readline(stream: IO[bytes]) -> str:
    return stream.readline().decode().strip()


_server: ForkServer | None = None
_server_env: dict[str, str] | None = None


def fork_server(env: Mapping[str, str] | None = None) -> ForkServer | None:
    """This process's fork server, started on first use; None where kernels are not forked.

    Kernels are forked on Linux only (macOS frameworks are not safe to fork
    once loaded, and Windows has no ``fork``), and not when the environment
    variable ``HRPRODUCTIVITY_FORK_KERNELS`` is ``0``. ``env`` is the
    environment the server starts with (and so the one its imports see:
    thread settings, ``MPLBACKEND``); the first call's stays, also for a server
    restarted after it stopped.
    """
    global _server, _server_env
    if not sys.platform.startswith("linux") or os.environ.get(FORK_ENV) == "0":
        return None
    if _server_env is None and env is not None:
        _server_env = dict(env)
    if _server is not None and (not _server.alive or _server.stamp != _source_stamp()):
        _server.close()
        _server = None
    if _server is None:
        _server = ForkServer(_server_env)
    return _server


def _kernel_args(cmd: Sequence[str]) -> list[str] | None:
    """The ipykernel arguments of a kernel command, or None when it is not this Python's."""
    if not cmd:
        return None
    # the same path, not the same file: another environment's python is often a
    # link to the same interpreter but sees other packages
    same = os.path.abspath(cmd[0]) == os.path.abspath(sys.executable)
    rest = [a for a in cmd[1:] if not a.startswith("-X")]  # interpreter options
    if same and len(rest) >= 2 and rest[0] == "-m" and rest[1] in _LAUNCHERS:
        return rest[2:]
    return None


class _Forked:
    """The :class:`subprocess.Popen` face of a forked kernel, for jupyter_client.

    The kernel is the fork server's child, not this process's: it is alive
    while its process id exists (the server reaps its children at once), and
    its exit status is not known here (reported as 1).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return 1
        except PermissionError:
            pass
        return None

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return code

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """Launches this Python's ipykernel by forking the fork server."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        args = _kernel_args(cmd)
        server = fork_server() if args is not None else None
        if args is None or server is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        log = getattr(kwargs.get("stdout"), "name", None)
        log = log if isinstance(log, str) else None
        loop = asyncio.get_running_loop()
        pid = await loop.run_in_executor(None, server.fork, args, env, cwd, log)
        self.process = _Forked(pid)  # type: ignore[assignment]
        self.pid = self.pgid = pid  # the kernel leads its own process group
        self.cwd = cwd
        return self.connection_info


class ReportKernelClient(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel answers.

    Two fixed pauses of jupyter_client go: its sockets connect before a new
    kernel listens and ZeroMQ tries again only after 100 ms (here 5 ms); and
    ``wait_for_ready`` ends by waiting until IOPub has been quiet for 0.2 s
    (here what is queued is drained without waiting: nbclient reads only the
    IOPub messages of its own requests, so a late status message of
    ``kernel_info`` is harmless). A forked kernel is ready in about 60 ms.
    """

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, 5)
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected too? (else ask again)
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break


class ReportKernelManager(AsyncKernelManager):
    """The kernel manager of report kernels, for nbclient.

    Kernels are forked from the fork server where possible (see the module's
    text); the client is a :class:`ReportKernelClient`; and a killed kernel is
    checked for every 10 ms rather than every 100 ms.
    """

    @default("client_factory")
    def _client_factory_default(self) -> type:
        return ReportKernelClient

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.provisioner is None:
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))
