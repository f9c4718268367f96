"""Writing files whole, and scratch folders that do not outlive their process (no pandas)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "scratch_dir", "scratch_tempdir", "sweep_scratch"]

_STALE_UNNAMED = 24 * 3600  # seconds after which a scratch folder without a pid is stale


def atomic_write(path: Path, write: Callable[..., Any]) -> None:
    """Write through a temporary file in the same folder, then rename: never a half file.

    An :class:`OSError` (a full disk, no permission) names ``path``, whatever
    the writer raised it without a file name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes 0o600; outputs are ordinary shared files
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None or str(exc.filename) == tmp:  # name the file, not the temporary
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def scratch_dir(prefix: str) -> Path:
    """A new folder ``<tmp>/<prefix><pid>-<random>``, removed when this process exits.

    Folders of earlier processes with the same prefix whose process is gone
    (killed with -9, so no exit handler ran) are removed first.
    """
    sweep_scratch(prefix)
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def scratch_tempdir(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A :class:`tempfile.TemporaryDirectory` named ``<prefix><pid>-<random>``, made after
    removing those of processes that are gone (killed, so their ``with`` never ended)."""
    sweep_scratch(prefix)
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-", ignore_cleanup_errors=True)


def sweep_scratch(prefix: str) -> list[Path]:
    """Remove this user's ``<tmp>/<prefix>*`` folders that no living process owns.

    A folder named ``<prefix><pid>-…`` is stale when process ``pid`` no longer
    exists; one without a pid in its name (made by an older version) when it
    is older than a day. Returns the folders removed.
    """
    removed = []
    root = Path(tempfile.gettempdir())
    for path in root.glob(f"{prefix}*"):
        try:
            info = path.lstat()
            if not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid():
                continue
            head = path.name[len(prefix) :].split("-", 1)[0]
            if head.isdigit():
                if _alive(int(head)):
                    continue
            elif time.time() - info.st_mtime < _STALE_UNNAMED:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return True
    return True
