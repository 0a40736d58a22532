"""Worker processes that end themselves when the process that started them is gone.

A pool's workers block on a queue; if the parent is killed (kill -9, a closed
laptop lid on a remote session) they would wait forever. Pass
:func:`exit_with_parent` as the pool's ``initializer`` with the parent's pid.
"""

from __future__ import annotations

import os
import signal
import threading
import time

POLL_S = 0.5
"""How often a worker checks that its parent is alive."""


def exit_with_parent(parent: int, ignore_sigint: bool = True) -> None:
    """In a worker: quit as soon as ``parent`` is no longer this process's parent.

    Args:
        parent: pid of the process that made the pool.
        ignore_sigint: leave Ctrl-C to the parent (which stops the pool itself).
    """
    if ignore_sigint:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()
