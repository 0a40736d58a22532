"""``coalition-sim app``: serve the trainer's classroom page on this machine."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from coalition_sim.util.errors import InputError

HELP = "Start the trainer's live classroom page (a local web server; works offline)."
APP_FILE = Path(__file__).resolve().parents[2] / "classroom" / "app.py"


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


def server_command(host: str, port: int, dev: bool = False) -> list[str]:
    """The ``solara run`` command line for the page."""
    command = [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port), "--no-open"]
    return command if dev else [*command, "--production"]


def main(args: argparse.Namespace) -> int:
    """Print the address, then replace this process by the Solara server (until Ctrl+C)."""
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port={args.port} is out of range: allowed an integer 0..65535")
    port = args.port or free_port(args.host)
    shown = {"127.0.0.1": "localhost", "0.0.0.0": socket.gethostname(), "::": socket.gethostname()}.get(
        args.host, args.host
    )
    print(f"Coalition classroom: open http://{shown}:{port}/ in a browser (Ctrl+C stops the server)", flush=True)
    env = {**os.environ, "COALITION_SIM_WARM_POOL": "1"}
    command = server_command(args.host, port, args.dev)
    # Become the server (same process id): Ctrl+C and a supervisor's SIGTERM reach it directly,
    # and no orphaned server is left behind when this process is stopped.
    os.execve(command[0], command, env)
    return 0  # pragma: no cover - execve does not return
