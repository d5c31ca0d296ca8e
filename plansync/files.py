"""Reading and writing plan files: strict UTF-8 in, atomic replacement out."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from plansync.errors import PlanFileError


def read_text(path: str | Path) -> str:
    """Read a plan exactly as stored (line endings included) or raise PlanFileError."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"{name}: no such file", "check the path") from None
    except IsADirectoryError:
        raise PlanFileError(f"{name}: is a directory, not a plan file", "name a .md file") from None
    except PermissionError:
        raise PlanFileError(f"{name}: permission denied", "check the file's permissions") from None
    except OSError as error:
        raise PlanFileError(f"{name}: cannot read: {error.strerror}") from None
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


def write_text_atomic(path: str | Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old file or the new, never half.

    The new content goes to a temporary file in the same directory, is flushed to disk,
    and is renamed over the target; the file keeps its permission bits.
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise PlanFileError(f"{target}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise PlanFileError(f"{target}: cannot write: {error.strerror}") from None
        raise
