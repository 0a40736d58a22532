"""``coalition-sim animate``: render a preset's run as a GIF (or MP4) for slides."""

from __future__ import annotations

import argparse
from pathlib import Path

from coalition_sim.classroom.presets import PRESETS, get_preset
from coalition_sim.util.errors import InputError

HELP = "Render a preset's run as an animation for slides (.gif, or .mp4 where ffmpeg exists)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags: --preset, --out, --months, --seed, --fps."""
    parser.add_argument("--preset", required=True, help=f"one of: {', '.join(PRESETS)}")
    parser.add_argument("--out", required=True, type=Path, help="output file, .gif or .mp4")
    parser.add_argument("--months", type=int, default=None, help="months to show (default: the preset's story length)")
    parser.add_argument("--seed", type=int, default=None, help="another seed than the preset's")
    parser.add_argument("--fps", type=int, default=6, help="months per second (default 6)")


def main(args: argparse.Namespace) -> int:
    """Check the flags, render, say where the file is."""
    from coalition_sim.classroom.animate import animate

    preset = get_preset(args.preset)
    months = preset.months if args.months is None else args.months
    if not 1 <= months <= 1000:
        raise InputError(f"--months={months} is out of range: allowed an integer 1..1000")
    if not 1 <= args.fps <= 60:
        raise InputError(f"--fps={args.fps} is out of range: allowed an integer 1..60")
    overrides = {} if args.seed is None else {"seed": args.seed}
    frames = animate(preset.model_params(**overrides), args.out, months=months, fps=args.fps)
    print(f"Wrote {args.out} ({frames} frames, one per month, {args.fps} per second)")
    return 0
