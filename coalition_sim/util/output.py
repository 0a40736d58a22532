"""Where output goes, checked before any work: one line if it cannot be written there.

Every command that writes calls :func:`check_output_dir` (a folder of files) or
:func:`check_output_file` (one file, such as a results store) on its target before
it computes anything, so a mistyped ``--out`` costs a second, not the whole run.
The check creates nothing: it probes the nearest folder that exists.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from coalition_sim.util.errors import InputError

MAX_PATH = 4096
"""Longest path accepted (Linux's PATH_MAX)."""
MAX_NAME = 255
"""Longest single file or folder name accepted (most filesystems' limit)."""


def check_path_text(path: str | Path, flag: str) -> Path:
    """Refuse a path with a NUL byte, or too long for the filesystem.

    Raises:
        InputError: naming ``flag`` and what to change.
    """
    text = os.fspath(path)
    if "\x00" in text:
        raise InputError(f"{flag} {text!r}: contains a NUL byte; give a plain path")
    if len(text.encode()) > MAX_PATH:
        raise InputError(f"{flag}: path of {len(text.encode())} bytes is too long (at most {MAX_PATH})")
    for part in Path(text).parts:
        if len(part.encode()) > MAX_NAME:
            raise InputError(f"{flag}: the name {part[:40]!r}... is too long (at most {MAX_NAME} bytes per name)")
    return Path(text)


def check_output_dir(path: str | Path, flag: str = "--out") -> Path:
    """Make sure files can be written into folder ``path`` (it may not exist yet).

    Raises:
        InputError: ``path`` is a file, or it (or the folder that would hold it) is not writable.
    """
    path = check_path_text(path, flag)
    if path.exists() and not path.is_dir():
        raise InputError(f"{flag} {path}: is a file, not a folder; give a folder for the output")
    _check_writable(_nearest_existing(path), path, flag)
    return path


def check_output_file(path: str | Path, flag: str = "--out") -> Path:
    """Make sure file ``path`` can be created or replaced.

    Raises:
        InputError: ``path`` is a folder, or its folder is not writable.
    """
    path = check_path_text(path, flag)
    if path.is_dir():
        raise InputError(f"{flag} {path}: is a folder; give a file name inside it")
    folder = _nearest_existing(path.parent)
    _check_writable(folder, path, flag)
    return path


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists."""
    path = Path(os.path.abspath(path))
    while not path.exists():
        path = path.parent
    return path


def _check_writable(folder: Path, target: Path, flag: str) -> None:
    """Probe ``folder`` by creating and removing a hidden file (catches read-only disks too)."""
    if not folder.is_dir():
        raise InputError(f"{flag} {target}: {folder} is a file, so nothing can be written under it")
    try:
        fd, probe = tempfile.mkstemp(prefix=".coalition-sim-probe.", dir=folder)
    except OSError as exc:
        raise InputError(f"{flag} {target}: cannot write in {folder} ({describe_os_error(exc)})") from None
    os.close(fd)
    os.unlink(probe)


def describe_os_error(exc: OSError) -> str:
    """A short cause and remedy for an operating-system error, for a one-line message."""
    reasons = {
        errno.ENOSPC: "the disk is full; free some space",
        errno.EDQUOT: "the disk quota is exceeded; free some space",
        errno.EROFS: "the disk is read-only; choose a writable place",
        errno.EACCES: "permission denied; choose a folder you may write to",
        errno.EPERM: "operation not permitted; choose a folder you may write to",
        errno.ENAMETOOLONG: "a name is too long; choose a shorter one",
        errno.ENOENT: "no such file or folder",
        errno.EXDEV: "the target is on another filesystem",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))
