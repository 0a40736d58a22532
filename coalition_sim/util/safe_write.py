"""Write results all or nothing: into a hidden temporary folder, then rename into place.

A crash, a Ctrl-C or bad input half-way leaves no half-written directory or file.
The temporary folder is made inside the target folder (or, for a single file,
beside it), so the final rename never crosses filesystems, even when the target
is a mount point. Files get the permissions the user's umask allows (not 0600).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's umask (read without changing it for long)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_dir(target: Path):
    """Yield a temporary directory; on success its files are moved into ``target``.

    Files already in ``target`` with other names are kept; same names are replaced.
    On failure nothing is changed (a ``target`` made here is removed again).
    """
    target = Path(target)
    created = make_dirs(target)
    tmp = Path(tempfile.mkdtemp(prefix=".partial.", dir=target))
    ok = False
    try:
        yield tmp
        for item in tmp.iterdir():
            os.replace(item, target / item.name)
        ok = True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not ok:
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()


@contextlib.contextmanager
def atomic_file(target: Path, mode: str = "w"):
    """Yield a file handle whose content replaces ``target`` only on success."""
    target = Path(target)
    created = make_dirs(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    ok = False
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp's 0600 would hide the file from co-workers
        with os.fdopen(fd, mode) as handle:
            yield handle
        os.replace(tmp, target)
        ok = True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if not ok:
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def make_dirs(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return the ones created (outermost first)."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))
