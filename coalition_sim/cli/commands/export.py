"""``coalition-sim export RESULTS``: a study's tables as CSV or Parquet files."""

from __future__ import annotations

import argparse
from pathlib import Path

from coalition_sim.studies.export import EXPORT_FORMATS

HELP = "Export a results store's tables (runs, series, exits, study.json) as CSV or Parquet."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """RESULTS, --format, --out."""
    parser.add_argument(
        "results", type=Path, metavar="RESULTS", help="results store (results.sqlite) or the folder holding it"
    )
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv", help="file format (default csv)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: export/ beside the store)")


def main(args: argparse.Namespace) -> int:
    """Write the files and list them."""
    from coalition_sim.studies.export import export

    for path in export(args.results, args.out, args.format):
        print(path)
    return 0
