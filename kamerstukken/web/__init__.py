"""Web UI: Datasette over the kamerstukken database, read-only, with metadata, facets and canned queries.

    kamerstukken serve [--db PATH] [--host 127.0.0.1] [--port 8001] [--immutable] [--allow-sql]

- `metadata.yaml` (in this package) describes every table and column, sets facets and full-text search and
  holds the canned queries; `runtime_metadata()` adapts it to the database being served (its Datasette name,
  and queries whose tables are missing from an older database are left out with a warning).
- `plugins/kamerstukken_ui.py` links official publication ids to zoek.officielebekendmakingen.nl, marks the
  extracted span in a sentence, adds a year facet and answers a bad full-text query with a clear message.
- Read-only: the database is opened with `mode=ro` (or `immutable=1` with --immutable), no canned query writes,
  and arbitrary SQL is off unless --allow-sql (then still read-only: Datasette runs only SELECT on a read-only
  connection, with a time limit).
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Optional

HERE = Path(__file__).parent
METADATA_FILE = HERE / "metadata.yaml"
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
DB_KEY = "kamerstukken"  # the database key used in metadata.yaml

__all__ = ["load_metadata", "runtime_metadata", "datasette_args", "check_queries", "serve_command",
           "write_runtime_metadata", "free_port", "start_server", "stop_server", "METADATA_FILE", "PLUGINS_DIR"]


def load_metadata() -> dict:
    """metadata.yaml as a dict (keyed on the database name 'kamerstukken')."""
    import yaml
    with open(METADATA_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def check_queries(db_path: str | os.PathLike, metadata: Optional[dict] = None) -> dict[str, str]:
    """Prepare (EXPLAIN) each canned query against the database; returns {name: error} for those that fail.

    The UI's SQL functions (mark_span, kst_url, fts_words, motion_id) are registered for the check."""
    from .plugins.kamerstukken_ui import prepare_connection
    md = metadata or load_metadata()
    queries = md["databases"][DB_KEY].get("queries", {})
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        prepare_connection(conn)
        bad = {}
        for name, q in queries.items():
            sql = q["sql"] if isinstance(q, dict) else q
            try:
                params = {p: "" for p in _param_names(sql)}
                conn.execute("explain " + sql, params)
            except sqlite3.Error as exc:
                bad[name] = str(exc)
        return bad
    finally:
        conn.close()


def _param_names(sql: str) -> list[str]:
    import re
    return sorted(set(re.findall(r"(?<!:):([A-Za-z_]\w*)", sql)))


def db_name(db_path: str | os.PathLike) -> str:
    """The name Datasette gives a database file (its stem)."""
    return Path(db_path).stem


def runtime_metadata(db_path: str | os.PathLike, *, warn=None) -> dict:
    """metadata.yaml re-keyed on the served file's Datasette name, without queries the database cannot run."""
    md = load_metadata()
    bad = check_queries(db_path, md)
    dbmd = md["databases"].pop(DB_KEY)
    for name, error in bad.items():
        dbmd["queries"].pop(name, None)
        if warn:
            warn(f"canned query {name!r} left out: {error}")
    tables = _table_names(db_path)
    dbmd["tables"] = {t: v for t, v in dbmd.get("tables", {}).items() if t in tables}
    md["databases"][db_name(db_path)] = dbmd
    return md


def _table_names(db_path) -> set[str]:
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    finally:
        conn.close()


def datasette_args(db_path: str | os.PathLike, metadata_path: str | os.PathLike, *, host: str = "127.0.0.1",
                   port: int = 8001, immutable: bool = False, allow_sql: bool = False,
                   settings: Optional[dict] = None) -> list[str]:
    """The `datasette serve` command line (without the interpreter) for our database."""
    args = ["serve", "--host", host, "--port", str(port), "--metadata", str(metadata_path),
            "--plugins-dir", str(PLUGINS_DIR)]
    if TEMPLATES_DIR.is_dir():
        args += ["--template-dir", str(TEMPLATES_DIR)]
    if STATIC_DIR.is_dir():  # the dashboard's chart scripts (no CDN)
        args += ["--static", f"kamerstukken-static:{STATIC_DIR}"]
    args += ["-i", str(db_path)] if immutable else [str(db_path)]
    base = {"default_allow_sql": "on" if allow_sql else "off", "sql_time_limit_ms": "3000",
            "facet_time_limit_ms": "500", "truncate_cells_html": "600", "allow_download": "off",
            "default_page_size": "50"}
    base.update(settings or {})
    for k, v in base.items():
        args += ["--setting", k, str(v)]
    return args


def write_runtime_metadata(db_path, *, warn=None) -> Path:
    """Write the runtime metadata as JSON in a per-user temporary folder (one file per database path, replaced
    atomically on every start) and return its path. Nothing is written next to the database."""
    import hashlib
    md = runtime_metadata(db_path, warn=warn)
    folder = Path(tempfile.gettempdir()) / f"kamerstukken-web-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(mode=0o700, exist_ok=True)
    key = hashlib.sha1(str(Path(db_path).resolve()).encode()).hexdigest()[:12]
    target = folder / f"metadata-{db_name(db_path)}-{key}.json"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(md, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, target)
    return target


def serve_command(db_path, **kw) -> list[str]:
    """[python, -m, datasette, serve, ...] for our database (writes the runtime metadata it reads)."""
    meta = write_runtime_metadata(db_path, warn=kw.pop("warn", None))
    return [sys.executable, "-m", "datasette", *datasette_args(db_path, meta, **kw)]


# --------------------------------------------------------------------------- running a server (tests, bench)

def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on `host`."""
    import socket
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_server(db_path, *, host: str = "127.0.0.1", port: Optional[int] = None, extra: tuple = (),
                 timeout: float = 60.0, log=None):
    """Start `kamerstukken serve` on `db_path` and wait until it answers. Returns (process, base_url).

    The caller stops it with `stop_server(process)`."""
    import subprocess
    import time
    import urllib.request
    port = port or free_port(host)
    cmd = [sys.executable, "-c", "from kamerstukken.cli import main; main()", "serve", "--db", str(db_path), "--host", host,
           "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, stdout=log or subprocess.DEVNULL, stderr=log or subprocess.STDOUT)
    base = f"http://{host}:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"kamerstukken serve exited with {proc.returncode}: {' '.join(cmd)}")
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(proc)
            raise TimeoutError(f"kamerstukken serve did not answer on {base} within {timeout}s")
        time.sleep(0.1)


def stop_server(proc, timeout: float = 10.0) -> None:
    """Terminate a server started by start_server (SIGTERM, then SIGKILL)."""
    import subprocess
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
