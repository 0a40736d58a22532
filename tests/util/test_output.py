"""Output places are checked before work; atomic writes stay on the target's filesystem."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from coalition_sim.util import safe_write
from coalition_sim.util.errors import InputError
from coalition_sim.util.output import check_output_dir, check_output_file, check_path_text, describe_os_error
from coalition_sim.util.safe_write import atomic_dir, atomic_file


def test_a_folder_that_does_not_exist_yet_is_fine_and_is_not_created(tmp_path):
    target = tmp_path / "a" / "b"
    assert check_output_dir(target) == target
    assert not (tmp_path / "a").exists()
    assert list(tmp_path.iterdir()) == []  # the probe leaves nothing


def test_a_file_where_a_folder_is_wanted_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "f")
    with pytest.raises(InputError, match="is a file, so nothing can be written under it"):
        check_output_dir(tmp_path / "f" / "sub")


def test_a_folder_where_a_file_is_wanted_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a folder; give a file name inside it"):
        check_output_file(tmp_path)


def test_an_unwritable_folder_is_refused_with_the_cause(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("coalition_sim.util.output.tempfile.mkstemp", refuse)
    with pytest.raises(InputError, match="cannot write in .*permission denied"):
        check_output_dir(tmp_path / "out")


@pytest.mark.parametrize("bad", ["a\x00b", "x" * 300, "/" + "d/" * 2100])
def test_nul_bytes_and_overlong_paths_are_refused(bad):
    with pytest.raises(InputError, match="--out"):
        check_path_text(bad, "--out")


def test_every_errno_the_user_can_fix_is_described():
    for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):
        assert "disk" in describe_os_error(OSError(code, "x")) or "permission" in describe_os_error(OSError(code, "x"))


def test_the_temporary_folder_lives_inside_the_target(tmp_path, monkeypatch):
    """So the final rename never crosses filesystems (a target that is a mount point)."""
    target = tmp_path / "out"
    target.mkdir()
    moves = []
    real_replace = os.replace

    def replace(src, dst):
        if os.path.dirname(os.path.dirname(src)) != os.path.dirname(dst):  # what a mount point would refuse
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        moves.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(safe_write.os, "replace", replace)
    with atomic_dir(target) as tmp:
        assert tmp.parent == target
        (tmp / "a.csv").write_text("1\n")
    assert (target / "a.csv").read_text() == "1\n" and len(moves) == 1
    assert [p.name for p in target.iterdir()] == ["a.csv"]


def test_a_failure_leaves_no_trace_not_even_the_folder(tmp_path):
    target = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "half.csv").write_text("1\n")
        raise RuntimeError("disk full half-way")
    assert not (tmp_path / "new").exists()


def test_existing_files_survive_a_failed_write(tmp_path):
    (tmp_path / "keep.csv").write_text("old\n")
    with pytest.raises(RuntimeError), atomic_dir(tmp_path) as tmp:
        (tmp / "keep.csv").write_text("new\n")
        raise RuntimeError
    assert (tmp_path / "keep.csv").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_written_files_respect_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        with atomic_file(tmp_path / "one.txt") as handle:
            handle.write("x")
        with atomic_dir(tmp_path / "dir") as tmp:
            (tmp / "two.txt").write_text("y")
    finally:
        os.umask(old)
    for path in (tmp_path / "one.txt", tmp_path / "dir" / "two.txt"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path
