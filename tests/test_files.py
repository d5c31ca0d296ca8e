"""Plan files: strict reading with clear errors, and atomic replacement."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plansync.errors import PlanFileError
from plansync.files import read_text, write_text_atomic


def test_read_keeps_line_endings_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_bytes("\ufeff# T\r\n- [ ] x".encode())
    assert read_text(path) == "\ufeff# T\r\n- [ ] x"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ok\n\xff\xfe", r"plan.md:2:1: not valid UTF-8 \(byte 0xff\)"),
        (b"\x7fELF\x00\x01", "looks like a binary file"),
    ],
)
def test_read_refuses_binary_and_non_utf8(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.md"
    path.write_bytes(content)
    with pytest.raises(PlanFileError, match=message):
        read_text(path)


def test_read_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="no such file"):
        read_text(tmp_path / "nope.md")
    with pytest.raises(PlanFileError, match="is a directory"):
        read_text(tmp_path)


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("old")
    path.chmod(0o640)
    write_text_atomic(path, "new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["plan.md"]


def test_atomic_write_leaves_the_old_file_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.md"
    path.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PlanFileError, match="No space left"):
        write_text_atomic(path, "new")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["plan.md"]
