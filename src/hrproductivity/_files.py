"""Writing files whole, paths that stay where they belong, and scratch folders
that do not outlive their process (no pandas import).

Every output this package writes goes through :func:`atomic_write` (one file)
or :func:`replace_folder` (a set of files that belong together). Any part of a
path that comes from the data (a dataset's name, a survey wave) is checked
with :func:`unsafe_part` first, and the finished path with :func:`inside`.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hrproductivity.errors import HRProductivityError

__all__ = [
    "REPORT_CACHE",
    "SLUG",
    "UNSAFE_PART",
    "apart",
    "atomic_write",
    "inside",
    "replace_folder",
    "scratch_dir",
    "scratch_tempdir",
    "sweep_scratch",
    "unsafe_part",
]

REPORT_CACHE = "report-cache"
"""The command line keeps a dataset's report cache in its processed folder, under this name."""

SLUG = re.compile(r"[\w.-]+")
"""A safe file name: letters (ä, ö too), digits, ``_``, ``.`` and ``-`` only."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
UNSAFE_PART = re.compile(r"[/\\\x00-\x1f\x7f-\x9f]|\.\.|^\.$")
"""Matches text that :func:`unsafe_part` refuses (besides empty text), for whole columns."""

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


def unsafe_part(text: str) -> str | None:
    """Why ``text`` cannot be used as one file or folder name, or None when it can.

    Refused: empty text, a path separator (``/`` or ``\\``), a control
    character (line breaks, tabs, NUL …), and ``..`` anywhere (``.`` alone too),
    since a label such as ``2024/../../x`` would lead out of the output folder.
    """
    if not text.strip():
        return "is empty"
    if "/" in text or "\\" in text:
        return "contains a path separator ('/' or '\\')"
    if _CONTROL.search(text):
        return "contains a control character (a line break, tab or similar)"
    if text == "." or ".." in text:
        return "is '.' or contains '..'"
    return None


def inside(root: str | Path, path: str | Path) -> Path:
    """``path``, after checking that it resolves to ``root`` or a place under it.

    Raises
    ------
    HRProductivityError
        When ``path`` leads out of ``root`` (through ``..``, an absolute part
        or a symbolic link).
    """
    resolved_root = Path(root).resolve()
    resolved = Path(path).resolve()
    if resolved != resolved_root and not resolved.is_relative_to(resolved_root):
        raise HRProductivityError(
            f"refusing to write to {path}: it is outside the output folder {root}"
        )
    return Path(path)


def apart(out: str | Path, raw: str | Path, *, what: str) -> None:
    """Refuse an output folder that is, lies in, or holds the raw folder ``raw``.

    Raises
    ------
    HRProductivityError
        Naming ``what`` would be written and both folders.
    """
    target, source = Path(out).resolve(), Path(raw).resolve()
    if target == source or target.is_relative_to(source) or source.is_relative_to(target):
        raise HRProductivityError(
            f"refusing to write {what} to {out}: raw files are only read, so the output "
            f"folder must lie outside the raw folder {raw} (and not contain it)"
        )


def replace_folder(
    folder: Path, fill: Callable[[Path], Any], *, keep: Callable[[str], bool]
) -> None:
    """Fill a new sibling folder, then put it in the place of ``folder`` as a whole.

    ``fill(tmp)`` writes every file into ``tmp`` (a hidden sibling of
    ``folder``). The old folder is renamed aside, the new one renamed into
    place, entries of the old one for which ``keep(name)`` is true (files
    this writer does not own, e.g. a report cache) are moved over, and the
    old one is removed: a reader sees the old set, the new set, or (between
    the two renames) no folder, never a mix. When ``fill`` fails, the old
    folder stays as it was. Leftovers of an interrupted replacement are
    removed on the next call.
    """
    folder = Path(folder)
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f".{folder.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{folder.name}.old-*"):
        if folder.is_dir():  # else the old set is all there is: leave it to the user
            shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.new-"))
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes 0o700; outputs are ordinary shared folders
        if not folder.is_dir():
            os.replace(tmp, folder)
            return
        old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.old-"))
        os.replace(folder, old / folder.name)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for entry in (old / folder.name).iterdir():
        if keep(entry.name):
            os.replace(entry, folder / entry.name)
    shutil.rmtree(old, ignore_errors=True)
