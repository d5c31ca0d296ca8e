"""Reading and writing plan files: only regular files of a bounded size, strict UTF-8 in,
atomic replacement out, and never a write outside the repository that holds the plan."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from plansync.errors import PlanFileError

MAX_PLAN_BYTES = 20 * 1024 * 1024  # far above any real plan; a bound on what a run holds

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_text(path: str | Path) -> str:
    """Read a plan exactly as stored (line endings included) or raise PlanFileError."""
    name = str(path)
    data = _read_bytes(name)
    if b"\0" in data:
        raise PlanFileError(
            f"{name}: looks like a binary file, not a markdown plan", "name a .md text file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise PlanFileError(
            f"{name}:{line}:{col}: not valid UTF-8 (byte 0x{data[error.start]:02x})",
            "save the file as UTF-8",
        ) from None


def _read_bytes(name: str) -> bytes:
    """The file's bytes; only a regular file, checked before opening (a FIFO would block)
    and again on the open descriptor (it may have been swapped in between)."""
    try:
        _require_regular(name, os.stat(name))
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        descriptor = os.open(name, flags)
        with os.fdopen(descriptor, "rb") as handle:
            _require_regular(name, os.fstat(descriptor))
            data = handle.read(MAX_PLAN_BYTES + 1)
    except FileNotFoundError:
        raise PlanFileError(f"{name}: no such file", "check the path") from None
    except PermissionError:
        raise PlanFileError(f"{name}: permission denied", "check the file's permissions") from None
    except OSError as error:
        raise PlanFileError(f"{name}: cannot read: {error.strerror}") from None
    _require_size(name, len(data))
    return data


def _require_regular(name: str, info: os.stat_result) -> None:
    for test, what in _KINDS:
        if test(info.st_mode):
            hint = "name a .md file" if what == "a directory" else "name a regular .md file"
            raise PlanFileError(f"{name}: is {what}, not a plan file", hint)
    if not stat.S_ISREG(info.st_mode):
        raise PlanFileError(f"{name}: is not a regular file", "name a regular .md file")
    _require_size(name, info.st_size)


def _require_size(name: str, size: int) -> None:
    if size > MAX_PLAN_BYTES:
        raise PlanFileError(
            f"{name}: larger than the {MAX_PLAN_BYTES // (1024 * 1024)} MB a plan may have",
            "split the plan into several files",
        )


def write_text_atomic(path: str | Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old file or the new, never half.

    Symbolic links are resolved first, and the real file must lie inside the git work
    tree that `path` sits in. The new content goes to a temporary file in the same
    directory, is flushed to disk, and is renamed over the target; the file keeps its
    permission bits.
    """
    name = str(path)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PlanFileError(
            f"{name}: cannot write: character {error.start} is not valid Unicode text"
        ) from None
    _require_size(name, len(data))
    target = Path(os.path.realpath(name))
    _require_inside_repository(name, target)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        mode = 0o644
    except OSError as error:
        raise PlanFileError(f"{name}: cannot write: {error.strerror}") from None
    else:
        _require_regular(name, info)
        mode = info.st_mode & 0o7777
    _replace(name, target, data, mode)


def _replace(name: str, target: Path, data: bytes, mode: int) -> None:
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise PlanFileError(f"{name}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise PlanFileError(f"{name}: cannot write: {error.strerror}") from None
        raise


def work_tree(path: str | Path) -> Path | None:
    """The git work tree `path` sits in: the nearest parent holding `.git`, reached without
    following a symbolic link (a linked directory may point into another repository)."""
    for parent in Path(os.path.abspath(path)).parents:
        if not parent.is_symlink() and os.path.lexists(parent / ".git"):
            return parent
    return None


def _require_inside_repository(name: str, real: Path) -> None:
    root = work_tree(name)
    if root is None:
        return
    real_root = Path(os.path.realpath(root))
    if real != real_root and real_root not in real.parents:
        raise PlanFileError(
            f"{name}: resolves to {real}, outside the repository {root}; not written",
            "keep the plan, and the directories on its path, inside the repository",
        )
