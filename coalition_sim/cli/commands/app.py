"""``coalition-sim app``: serve the trainer's classroom page on this machine."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from coalition_sim.util.errors import InputError

HELP = "Start the trainer's live classroom page (a local web server; works offline)."
APP_FILE = Path(__file__).resolve().parents[2] / "classroom" / "app.py"
START_TIMEOUT_S = 120
"""How long the server may take to accept its first connection."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags: --host, --port, --dev."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 lets others in the room connect)",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free port)")
    parser.add_argument("--dev", action="store_true", help="run Solara in development mode instead of production mode")


def free_port(host: str) -> int:
    """A port that is free on ``host`` right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """InputError if ``port`` cannot be listened on at ``host`` (in use, or not this machine's address)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: a port just freed is fine
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise InputError(
                f"--port={port} on --host={host} cannot be used ({exc.strerror}): "
                "choose another port, or --port 0 for any free one"
            ) from None


def server_command(host: str, port: int, dev: bool = False) -> list[str]:
    """The ``solara run`` command line for the page."""
    command = [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port), "--no-open"]
    return command if dev else [*command, "--production"]


def accepts_connections(host: str, port: int) -> bool:
    """Whether something listens on ``host``:``port`` now."""
    target = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    with contextlib.suppress(OSError), socket.create_connection((target, port), timeout=1):
        return True
    return False


def wait_until_listening(server: subprocess.Popen, host: str, port: int, timeout_s: float = START_TIMEOUT_S) -> None:
    """Return once the server accepts connections; InputError if it stops or never listens."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise InputError(f"the page's server stopped while starting (exit code {server.returncode}); see above")
        if accepts_connections(host, port):
            return
        time.sleep(0.2)
    raise InputError(f"the page's server did not accept connections on port {port} within {timeout_s:.0f} s")


def main(args: argparse.Namespace) -> int:
    """Start the server, print the address once it accepts connections, serve until Ctrl+C."""
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port={args.port} is out of range: allowed an integer 0..65535")
    port = args.port or free_port(args.host)
    check_port(args.host, port)
    shown = {"127.0.0.1": "localhost", "0.0.0.0": socket.gethostname(), "::": socket.gethostname()}.get(
        args.host, args.host
    )
    env = {
        **os.environ,
        "COALITION_SIM_WARM_POOL": "1",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_TITLE": "Coalition classroom",
    }
    from coalition_sim.studies.runner import prepare_model

    # Compiled (once after installing) or loaded here, so no Step or replicate press waits for it in class.
    prepare_model(say=lambda line: print(line, flush=True), stepwise=True)
    server = subprocess.Popen(server_command(args.host, port, args.dev), env=env)
    # A supervisor's SIGTERM stops the server too: no orphaned server is left behind.
    previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        wait_until_listening(server, args.host, port)
        print(f"Coalition classroom: open http://{shown}:{port}/ in a browser (Ctrl+C stops the server)", flush=True)
        return 0 if server.wait() in (0, -signal.SIGTERM) else 2
    except BaseException:
        _stop(server)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(server: subprocess.Popen) -> None:
    """Stop the server (it got Ctrl+C as well when run from a terminal)."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
