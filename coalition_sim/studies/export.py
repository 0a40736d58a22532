"""Exporting a results store: runs, series, exits (CSV or Parquet) and study.json, all or nothing.

The series table is written in chunks of runs, so memory stays flat however large
the study. Parquet needs pyarrow, which the plain install includes.
"""

from __future__ import annotations

import json
from pathlib import Path

from coalition_sim.studies.store import Results, load_results, store_file
from coalition_sim.util.errors import InputError
from coalition_sim.util.output import check_output_dir

EXPORT_FORMATS = ("csv", "parquet")
"""File formats ``export`` writes."""


def export(path: str | Path, out: str | Path | None = None, format: str = "csv") -> list[Path]:
    """Write runs, series, exits (CSV or Parquet) and study.json into ``out``, all or nothing.

    Args:
        path: the store (file or folder).
        out: output folder (default: ``export/`` beside the store).
        format: ``csv`` or ``parquet``.

    Returns:
        The files written.
    """
    from coalition_sim.util.safe_write import atomic_dir

    if format not in EXPORT_FORMATS:
        raise InputError(f"--format={format!r}: allowed one of {', '.join(EXPORT_FORMATS)}")
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError("--format=parquet needs pyarrow: pip install pyarrow") from None
    out = Path(out) if out is not None else store_file(path).parent / "export"
    check_output_dir(out)  # before reading anything
    results = load_results(path)
    names = []
    with atomic_dir(out) as tmp:
        for table in ("runs", "exits", "series"):
            names.append(f"{table}.{format}")
            _write_table(results, table, tmp / names[-1], format)
        about = {"study": results.study, "provenance": results.provenance}
        (tmp / "study.json").write_text(json.dumps(about, indent=2) + "\n")
        names.append("study.json")
    return [out / name for name in names]


SERIES_CHUNK = 500
"""Runs per chunk of series when exporting (keeps memory flat)."""


def _write_table(results: Results, table: str, target: Path, format: str) -> None:
    if table != "series":
        frame = getattr(results, table)
        frame.to_csv(target, index=False) if format == "csv" else frame.to_parquet(target, index=False)
        return
    ids = results.runs["run_id"].tolist()
    groups = [ids[i : i + SERIES_CHUNK] for i in range(0, len(ids), SERIES_CHUNK)]
    chunks = (results._series_between(group[0], group[-1]) for group in groups)
    if format == "csv":
        _csv_chunks(chunks, target)
    else:
        _parquet_chunks(chunks, target)


def _csv_chunks(chunks, target: Path) -> None:
    header = True
    with open(target, "w", newline="") as handle:
        for chunk in chunks:
            chunk["value"] = chunk["value"].astype(float)
            chunk.to_csv(handle, index=False, header=header)
            header = False
    if header:  # no series at all: still write the header
        target.write_text("run_id,month,variable,value\n")


def _parquet_chunks(chunks, target: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [("run_id", pa.int64()), ("month", pa.int64()), ("variable", pa.string()), ("value", pa.float64())]
    )
    with pq.ParquetWriter(target, schema) as writer:
        for chunk in chunks:
            chunk["value"] = chunk["value"].astype(float)
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
