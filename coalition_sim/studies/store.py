"""The results store: one SQLite file per study (standard library, WAL, transactional).

Tables (query them with any SQLite client):

* ``runs``: one row per finished run: run_id, point_id, replication, seed,
  sobol_block, status ('ok'/'failed'), error (traceback), runtime_s, one column
  per model parameter, one column per kept summary outcome;
* ``series``: the kept monthly series, one row per run and month: run_id, month
  (0 = initial state), one REAL column per kept series (a row per value would
  cost 24x the inserts); the view ``series_long`` (run_id, month, variable,
  value) is the long table in SQL, and ``load_results`` returns it;
* ``exits``: organizations that left: run_id, organization, month, cause;
* ``meta``: key/value: schema_version, spec (normalised study, JSON), spec_hash,
  study_text (the TOML file), provenance (JSON: versions, git commit, time);
* ``columns``: each parameter/outcome/series column's role and Python type.

Each run is written in one transaction, so a crash or Ctrl-C loses at most the
runs in flight; :meth:`Store.done_ids` tells a restart what to skip. A store made
by a different study (another spec hash) is refused, never appended to; so is a
damaged one (:func:`check_integrity`, run whenever a store is opened), and a second
writer while one is at work (:mod:`~coalition_sim.studies.store_lock`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coalition_sim.model.params import PARAMETERS
from coalition_sim.studies.fingerprint import model_fingerprint
from coalition_sim.studies.provenance import provenance, reproducible
from coalition_sim.studies.store_lock import WriterLock
from coalition_sim.util.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from coalition_sim.studies.runner import RunResult, RunSpec
    from coalition_sim.studies.study_file import StudySpec

SCHEMA_VERSION = "2"
"""Layout of the tables; a store of another version is refused, not misread."""
STORE_NAME = "results.sqlite"
"""File name of a store inside a study's results folder."""
RUN_COLUMNS = ("run_id", "point_id", "replication", "seed", "sobol_block", "status", "error", "runtime_s")
SQL_TYPES = {"int": "INTEGER", "bool": "INTEGER", "float": "REAL", "str": "TEXT"}


def store_file(path: str | Path) -> Path:
    """A store path, or a folder holding ``results.sqlite``, as the store's file."""
    path = Path(path)
    return path / STORE_NAME if path.is_dir() else path


class Store:
    """An open results store for one study (the only writer: it holds the store's lock)."""

    def __init__(self, path: Path, lock: WriterLock | None = None):
        self.path = path
        self.lock = lock
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.columns = _column_types(self.conn, "param", "outcome")
        self.series_names = list(_column_types(self.conn, "series"))
        self._insert_run = _insert_sql("runs", list(RUN_COLUMNS) + list(self.columns))
        self._insert_series = _insert_sql("series", ["run_id", "month", *self.series_names])

    @classmethod
    def open(cls, path: str | Path, spec: StudySpec) -> Store:
        """Open the store of ``spec`` at ``path``, creating it if absent.

        Raises:
            InputError: ``path`` is not a store, was made by a different study, is
                damaged or read-only, or another study is writing to it.
        """
        from coalition_sim.util.safe_write import make_dirs

        path = store_file(path)
        created = make_dirs(path.parent)
        lock = None
        try:
            lock = WriterLock(path).acquire()
            if not path.exists():
                _create(path, spec)
            else:
                cls.check(path, spec)
                check_integrity(path)
                if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
                    raise InputError(f"{path}: the store is read-only; make it writable, or copy it and give --out")
            return cls(path, lock)
        except BaseException:
            if lock is not None:
                lock.release()
            for folder in reversed(created):  # leave nothing behind a refusal
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise

    @staticmethod
    def check(path: str | Path, spec: StudySpec) -> None:
        """Refuse ``path`` if it exists and is not this study's store (creates nothing).

        Raises:
            InputError: not a store, or made by a different study or model.
        """
        path = store_file(path)
        if not path.exists():
            return
        existing = read_meta(path)
        made_with = existing.get("model_fingerprint")
        if made_with is not None and made_with != model_fingerprint():
            raise InputError(
                f"{path} was made by another version of the model (code fingerprint {made_with}, "
                f"now {model_fingerprint()}); its runs would mix with new ones: delete it to rerun, "
                f"or give another --out"
            )
        if existing.get("spec_hash") != spec.spec_hash():
            made_by = json.loads(existing.get("spec", "{}")).get("name", "?")
            raise InputError(
                f"{path} was made by a different study file (study '{made_by}', spec hash "
                f"{existing.get('spec_hash', '')[:12]}, this file {spec.spec_hash()[:12]}); "
                f"resume only with the same file, or give another --out"
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (every written run is already committed).

        The file goes back to a plain rollback journal, so readers (even on a
        read-only disk) need no ``-wal``/``-shm`` files beside it.
        """
        with contextlib.suppress(sqlite3.OperationalError):  # another connection still reads: stay in WAL
            self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.close()
        if self.lock is not None:
            self.lock.release()

    def done_ids(self) -> set[int]:
        """run_ids already stored (finished, ok or failed)."""
        return {row[0] for row in self.conn.execute("SELECT run_id FROM runs")}

    def failed_count(self) -> int:
        """Runs stored as failed."""
        return self.conn.execute("SELECT COUNT(*) FROM runs WHERE status != 'ok'").fetchone()[0]

    def write(self, run: RunSpec, result: RunResult, block: str | None = None) -> None:
        """Store one run (row, series, exits) in a single transaction."""
        values = {**{name: p.default for name, p in PARAMETERS.items()}, **run.params, **result.summary}
        row = [
            run.run_id,
            run.point_id,
            run.replication,
            run.seed,
            block,
            result.status,
            result.error,
            result.runtime_s,
        ] + [_plain(values.get(c)) for c in self.columns]
        with self.conn:
            self.conn.execute(self._insert_run, row)
            if result.series is not None and self.series_names:
                self.conn.executemany(self._insert_series, _series_rows(run.run_id, result.series, self.series_names))
            if result.exits:
                self.conn.executemany(
                    "INSERT INTO exits VALUES (?, ?, ?, ?)",
                    [(run.run_id, str(e["organization"]), int(e["month"]), str(e["cause"])) for e in result.exits],
                )


def _create(path: Path, spec: StudySpec) -> None:
    """Build a new store in a temporary file and move it into place (all or nothing)."""
    from coalition_sim.studies.study_file import outcome_types

    path.parent.mkdir(parents=True, exist_ok=True)
    types = outcome_types()
    outcomes = list(spec.outcomes) if spec.outcomes is not None else list(types)
    columns = [(name, "param", {"int": "int", "float": "float"}.get(p.kind, "str")) for name, p in PARAMETERS.items()]
    columns += [(name, "outcome", types[name]) for name in outcomes]
    columns += [(name, "series", "float") for name in spec.series]
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the store from co-workers
    try:
        conn = sqlite3.connect(tmp)
        with conn:
            _schema(conn, columns)
            meta = {
                "schema_version": SCHEMA_VERSION,
                "spec": json.dumps(spec.to_dict()),
                "spec_hash": spec.spec_hash(),
                "study_text": spec.text,
                "model_fingerprint": model_fingerprint(),
                "description": spec.description,
                "study_path": spec.path or "",
                "provenance": json.dumps(provenance()),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _schema(conn: sqlite3.Connection, columns: list[tuple[str, str, str]]) -> None:
    extra = "".join(f', "{name}" {SQL_TYPES[kind]}' for name, role, kind in columns if role != "series")
    series = [name for name, role, _ in columns if role == "series"]
    series_columns = "".join(f', "{name}" REAL' for name in series)
    long = (
        " UNION ALL ".join(
            f"SELECT run_id, month, '{name}' AS variable, \"{name}\" AS value FROM series" for name in series
        )
        or "SELECT run_id, month, NULL AS variable, NULL AS value FROM series WHERE 0"
    )
    conn.executescript(f"""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE columns (name TEXT NOT NULL, role TEXT NOT NULL, type TEXT NOT NULL,
            PRIMARY KEY (role, name));
        CREATE TABLE runs (run_id INTEGER PRIMARY KEY, point_id INTEGER NOT NULL,
            replication INTEGER NOT NULL, seed INTEGER NOT NULL, sobol_block TEXT,
            status TEXT NOT NULL, error TEXT NOT NULL, runtime_s REAL{extra});
        CREATE TABLE series (run_id INTEGER NOT NULL, month INTEGER NOT NULL{series_columns},
            PRIMARY KEY (run_id, month)) WITHOUT ROWID;
        CREATE VIEW series_long AS {long};
        CREATE TABLE exits (run_id INTEGER NOT NULL, organization TEXT NOT NULL,
            month INTEGER NOT NULL, cause TEXT NOT NULL);
        CREATE INDEX exits_run ON exits (run_id);
    """)
    conn.executemany("INSERT INTO columns VALUES (?, ?, ?)", columns)


def _insert_sql(table: str, names: list[str]) -> str:
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})"


def _column_types(conn: sqlite3.Connection, *roles: str) -> dict[str, str]:
    marks = ", ".join("?" * len(roles))
    return dict(conn.execute(f"SELECT name, type FROM columns WHERE role IN ({marks}) ORDER BY rowid", roles))


def _plain(value: Any) -> Any:
    """A value SQLite can bind (numpy scalars to Python, bools to 0/1)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    return value


def _series_rows(run_id: int, series: pd.DataFrame, names: list[str]) -> list[tuple]:
    """(run_id, month, value per kept series) rows (NaN is stored as NULL)."""
    values = series.reindex(columns=names).to_numpy(dtype=float).tolist()
    return [(run_id, int(month), *row) for month, row in zip(series.index, values)]


def _long_series(wide: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Wide (run_id, month, one column per series) to long (run_id, month, variable, value)."""
    long = wide.melt(id_vars=["run_id", "month"], value_vars=names, var_name="variable", value_name="value")
    long = long.sort_values(["run_id", "variable", "month"], kind="stable").reset_index(drop=True)
    long["value"] = long["value"].astype(float)
    long["variable"] = long["variable"].astype(object)
    return long


def read_meta(path: str | Path) -> dict[str, str]:
    """The meta table of a store (read-only).

    Raises:
        InputError: the file is missing or not a coalition-sim results store.
    """
    path = store_file(path)
    if not path.is_file():
        raise InputError(f"{path}: no results store there (run `coalition-sim study FILE` first)")
    try:
        conn = _reader(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise InputError(f"{path}: not a coalition-sim results store") from None
    if "spec_hash" not in meta:
        raise InputError(f"{path}: not a coalition-sim results store")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise InputError(
            f"{path}: made by another version of coalition-sim (store layout "
            f"{meta.get('schema_version')}, this one reads {SCHEMA_VERSION}); delete it (or give "
            f"another --out) and run the study again"
        )
    return meta


def _reader(path: Path) -> sqlite3.Connection:
    """A connection for reading: read-write when allowed (so SQLite can recover a WAL
    left by a killed writer and see every committed run), read-only otherwise."""
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return sqlite3.connect(path, timeout=30)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def check_integrity(path: str | Path) -> None:
    """Refuse a damaged store: SQLite's ``quick_check``, then every finished run has its series.

    Raises:
        InputError: one line saying what is wrong and what to do.
    """
    path = store_file(path)
    advice = "move it aside and rerun the study to rebuild it (or restore it from a copy)"
    try:
        conn = _reader(path)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise InputError(f"{path}: the store is damaged (SQLite: {problems[0]}); {advice}")
            if _column_types(conn, "series"):
                missing = conn.execute(
                    "SELECT COUNT(*) FROM runs WHERE status = 'ok' AND run_id NOT IN (SELECT run_id FROM series)"
                ).fetchone()[0]
                strays = conn.execute(
                    "SELECT COUNT(DISTINCT run_id) FROM series WHERE run_id NOT IN (SELECT run_id FROM runs)"
                ).fetchone()[0]
                if missing or strays:
                    raise InputError(
                        f"{path}: the store is damaged ({missing} finished runs lack their monthly series, "
                        f"{strays} series belong to no run); {advice}"
                    )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: the store is damaged (SQLite: {exc}); {advice}") from None


def stored_runs(path: str | Path) -> tuple[set[int], int]:
    """(run_ids stored, how many of them failed), read without writing (works on a read-only disk)."""
    conn = _reader(store_file(path))
    try:
        rows = conn.execute("SELECT run_id, status FROM runs").fetchall()
    finally:
        conn.close()
    return {run_id for run_id, _ in rows}, sum(status != "ok" for _, status in rows)


# ---------------------------------------------------------------------- reading
def finished(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs that finished (``status == "ok"``; all runs if there is no status)."""
    if "status" not in runs:
        return runs
    return runs[runs["status"] == "ok"]


class Results:
    """A study's results as pandas DataFrames (series and exits load on first use).

    Attributes:
        path: the store file.
        runs: one row per run (ids, seed, status, parameters, outcomes, sobol_block).
        study: the normalised study spec (dict) plus its description.
        provenance: versions, git commit, creation time, and the study file text.
    """

    def __init__(self, path: Path):
        self.path = path
        meta = read_meta(path)
        check_integrity(path)
        import pandas as pd  # after the checks: a refusal answers without loading pandas

        self.study = {**json.loads(meta["spec"]), "description": meta.get("description", "")}
        self.provenance = {
            **json.loads(meta["provenance"]),
            "study_text": meta.get("study_text", ""),
            "study_path": meta.get("study_path", ""),
            "spec_hash": meta["spec_hash"],
        }
        with self._connect() as conn:
            types = _column_types(conn, "param", "outcome")
            self.series_names = sorted(_column_types(conn, "series"))
            self.runs = _typed(pd.read_sql_query("SELECT * FROM runs ORDER BY run_id", conn), types)

    @property
    def reproducible_provenance(self) -> dict[str, Any]:
        """Provenance that a rerun of the same study with the same code reproduces exactly
        (versions, code fingerprint, spec hash; no time, commit or machine): quote this in
        committed reports so rerunning leaves them unchanged."""
        return reproducible(self.provenance)

    def _connect(self):
        return contextlib.closing(_reader(self.path))

    @cached_property
    def series(self) -> pd.DataFrame:
        """Long table (run_id, month, variable, value) of the kept monthly series."""
        return self._series_between(None, None)

    def _series_between(self, first: int | None, last: int | None) -> pd.DataFrame:
        import pandas as pd

        names = self.series_names
        where = "" if first is None else f" WHERE run_id BETWEEN {int(first)} AND {int(last)}"
        columns = ", ".join(f'"{n}"' for n in ["run_id", "month", *names])
        with self._connect() as conn:
            wide = pd.read_sql_query(f"SELECT {columns} FROM series{where} ORDER BY run_id, month", conn)
        return _long_series(wide, names)

    @cached_property
    def exits(self) -> pd.DataFrame:
        """Organizations that left: run_id, organization, month, cause."""
        import pandas as pd

        with self._connect() as conn:
            return pd.read_sql_query(
                "SELECT run_id, organization, month, cause FROM exits ORDER BY run_id, month, rowid", conn
            )

    def __repr__(self) -> str:
        failed = int((self.runs["status"] != "ok").sum())
        return f"<Results {self.study['name']}: {len(self.runs)} runs ({failed} failed) from {self.path}>"


def _typed(runs: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Give parameter/outcome columns their Python types back (bools, numbers)."""
    import pandas as pd

    runs["runtime_s"] = runs["runtime_s"].astype(float)
    runs["sobol_block"] = runs["sobol_block"].astype(object)
    for name, kind in types.items():
        column = runs[name]
        if kind == "bool":
            runs[name] = column.astype(bool) if column.notna().all() else column.astype("boolean")
        elif kind == "float" or (kind == "int" and column.isna().any()):
            runs[name] = pd.to_numeric(column, errors="coerce").astype(float)
        elif kind == "int":
            runs[name] = column.astype("int64")
        else:
            runs[name] = column.astype(object)
    return runs


def load_results(path: str | Path) -> Results:
    """Open a study's results store (a ``results.sqlite`` file or the folder holding it).

    Raises:
        InputError: no store there, or not a coalition-sim store.
    """
    return Results(store_file(path))
