"""One writer per results store: a second ``study`` on the same store is refused at once.

The lock is an advisory ``flock`` on ``results.sqlite.lock`` beside the store, which
holds the writer's pid. The operating system drops it when the writer exits, however
it exits (kill -9 included), so a stale lock file never blocks a resume.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from coalition_sim.util.errors import InputError
from coalition_sim.util.output import describe_os_error


def lock_path(store: Path) -> Path:
    """The lock file of a store."""
    return store.with_name(store.name + ".lock")


class WriterLock:
    """An exclusive, non-blocking lock on a store, released by :meth:`release` or at exit."""

    def __init__(self, store: Path):
        self.path = lock_path(Path(store))
        self._fd: int | None = None

    def acquire(self) -> WriterLock:
        """Take the lock, or refuse naming the pid that holds it.

        Raises:
            InputError: another process writes to this store, or its folder is not writable.
        """
        while True:
            fd = self._open_locked()
            with contextlib.suppress(OSError):
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                    break
            os.close(fd)  # the previous writer removed this file as we locked it: lock the new one
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def _open_locked(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise InputError(
                f"{self.path.parent}: cannot write beside the store ({describe_os_error(exc)}), so the "
                f"study cannot add runs; make the folder writable or copy the store and give --out"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise InputError(
                f"another study (pid {holder}) is writing to this store ({self.path.with_suffix('')}); "
                f"wait for it to finish, or stop it and rerun to resume"
            ) from None
        return fd

    def release(self) -> None:
        """Remove the lock file and drop the lock (idempotent)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # unlinked while held: a newcomer makes a fresh file
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
