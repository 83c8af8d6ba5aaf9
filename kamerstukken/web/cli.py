"""`kamerstukken serve`: the Datasette UI over the database, read-only."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    from .. import web
    from ..cli import DbOpt, err, esc
    from ..store import db_path

    @app.command("serve")
    def serve(db: Optional[Path] = DbOpt,
              host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on"),
              port: int = typer.Option(8001, "--port", help="Port to listen on"),
              immutable: bool = typer.Option(False, "--immutable",
                                             help="Open the file as immutable (a published snapshot nobody "
                                                  "writes to: faster, row counts shown). Default: read-only "
                                                  "(mode=ro), which sees a running `build`'s commits."),
              allow_sql: bool = typer.Option(False, "--allow-sql",
                                             help="Let visitors run their own SELECT queries (still read-only, "
                                                  "3 s time limit). Off by default: the canned queries, facets "
                                                  "and search answer the usual questions."),
              setting: list[str] = typer.Option(None, "--setting", help="Extra Datasette setting NAME=VALUE "
                                                                         "(repeatable)"),
              dry_run: bool = typer.Option(False, "--dry-run", help="Print the datasette command and exit")):
        """Browse the database in Datasette: facets, full-text search, canned queries (read-only)."""
        path = db_path(db)
        if not path.exists():
            err.print(f"[red]error:[/red] no database at {esc(path)}; run `kamerstukken build --db {esc(path)}` first")
            raise typer.Exit(2)
        settings = {}
        for s in setting or []:
            if "=" not in s:
                err.print(f"[red]error:[/red] --setting wants NAME=VALUE, got {esc(repr(s))}")
                raise typer.Exit(2)
            k, v = s.split("=", 1)
            settings[k.strip()] = v.strip()
        cmd = web.serve_command(path, host=host, port=port, immutable=immutable, allow_sql=allow_sql,
                                settings=settings, warn=lambda m: err.print(f"[yellow]warning:[/yellow] {esc(m)}"))
        if dry_run:
            print(shlex.join(cmd))
            return
        err.print(f"serving {esc(path)} read-only at http://{esc(host)}:{port}/ (Ctrl-C stops)")
        sys.stderr.flush()
        if hasattr(os, "execv"):
            os.execv(cmd[0], cmd)  # the server replaces this process: signals reach it directly
        raise typer.Exit(subprocess.call(cmd))
