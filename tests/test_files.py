"""Plan files: strict reading with clear errors, and atomic replacement."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from plansync import files
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


def test_read_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.md"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    with pytest.raises(PlanFileError, match=r"plan\.md: is a named pipe, not a plan file"):
        read_text(fifo)


def test_read_refuses_a_device() -> None:
    with pytest.raises(PlanFileError, match="/dev/zero: is a character device"):
        read_text("/dev/zero")


def test_read_refuses_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(PlanFileError, match="is a socket"):
            read_text(path)


def test_read_and_write_refuse_a_plan_over_the_size_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_PLAN_BYTES", 1024)
    path = tmp_path / "plan.md"
    path.write_bytes(b"- [ ] x\n" * 200)
    with pytest.raises(PlanFileError, match=r"larger than the .* a plan may have"):
        read_text(path)
    with pytest.raises(PlanFileError, match="larger than"):
        write_text_atomic(path, "y" * 2000)
    assert path.read_bytes() == b"- [ ] x\n" * 200


def test_the_default_cap_is_named_in_megabytes(tmp_path: Path) -> None:
    sparse = tmp_path / "big.md"
    with sparse.open("wb") as handle:  # a sparse file: the size without the disk space
        handle.truncate(files.MAX_PLAN_BYTES + 1)
    with pytest.raises(PlanFileError, match="larger than the 20 MB a plan may have"):
        read_text(sparse)


def test_write_refuses_a_directory_and_a_fifo(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    os.mkfifo(tmp_path / "fifo.md")
    with pytest.raises(PlanFileError, match="is a directory"):
        write_text_atomic(tmp_path / "dir.md", "x")
    with pytest.raises(PlanFileError, match="is a named pipe"):
        write_text_atomic(tmp_path / "fifo.md", "x")


def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    return repo


def test_write_refuses_a_plan_whose_directory_links_outside_the_repository(
    tmp_path: Path,
) -> None:
    repo = repository(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "plan.md").write_text("old")
    (repo / "docs").symlink_to(outside)
    with pytest.raises(PlanFileError, match="outside the repository"):
        write_text_atomic(repo / "docs" / "plan.md", "new")
    assert (outside / "plan.md").read_text() == "old"


def test_a_linked_directory_that_is_another_repository_does_not_count(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    (repo / "docs").symlink_to(other)
    with pytest.raises(PlanFileError, match="outside the repository"):
        write_text_atomic(repo / "docs" / "plan.md", "new")
    assert not (other / "plan.md").exists()


def test_write_refuses_a_plan_file_linking_outside(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (repo / "plan.md").symlink_to(victim)
    with pytest.raises(PlanFileError, match="outside the repository"):
        write_text_atomic(repo / "plan.md", "new")
    assert victim.read_text() == "keep"


def test_a_link_inside_the_repository_is_followed_and_kept(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    (repo / "real").mkdir()
    (repo / "real" / "plan.md").write_text("old")
    (repo / "plan.md").symlink_to(repo / "real" / "plan.md")
    write_text_atomic(repo / "plan.md", "new")
    assert (repo / "plan.md").is_symlink()
    assert (repo / "real" / "plan.md").read_text() == "new"
    assert files.work_tree(repo / "plan.md") == repo


def test_write_refuses_text_that_is_not_unicode(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="not valid Unicode"):
        write_text_atomic(tmp_path / "plan.md", "a\ud800b")
    assert not (tmp_path / "plan.md").exists()
