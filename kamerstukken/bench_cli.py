"""`kamerstukken bench`: run the benchmark suite (bench/run_all.py) of a source checkout.

The suite lives beside the package (bench/), not in it: it needs the repository's bench/data and writes
bench/results/latest.json and docs/benchmarks.md. This command runs it with the same interpreter.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer

RUN_ALL = Path(__file__).resolve().parent.parent / "bench" / "run_all.py"


def bench_command(quick: bool = False, moties: Optional[Path] = None, docs: int = 500_000,
                  rebuild: bool = False, only: Optional[str] = None, no_write: bool = False) -> int:
    """Run bench/run_all.py in a subprocess; returns its exit status."""
    if not RUN_ALL.exists():
        raise FileNotFoundError(f"{RUN_ALL} not found: `kamerstukken bench` needs a source checkout "
                                "(git clone …; pip install -e .)")
    cmd = [sys.executable, str(RUN_ALL), "--docs", str(docs)]
    if quick:
        cmd.append("--quick")
    if moties:
        cmd += ["--moties", str(moties)]
    if rebuild:
        cmd.append("--rebuild")
    if only:
        cmd += ["--only", only]
    if no_write:
        cmd.append("--no-write")
    return subprocess.call(cmd, cwd=str(RUN_ALL.parent.parent))


def register(app: typer.Typer) -> None:
    @app.command("bench")
    def bench_cmd(quick: bool = typer.Option(False, "--quick", help="Smaller scales, fewer repetitions"),
                  moties: Optional[Path] = typer.Option(None, "--moties",
                                                        help="The full moties.jsonl (6,388 real motions), optional"),
                  docs: int = typer.Option(500_000, "--docs", help="Documents in the query-latency store"),
                  rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild the cached query store"),
                  only: Optional[str] = typer.Option(None, "--only",
                                                     help="Sections: parse,extract,scale,query,profile"),
                  no_write: bool = typer.Option(False, "--no-write",
                                                help="Do not write bench/results/latest.json and docs/benchmarks.md")):
        """Benchmarks: parse, extract, link scaling, query latency on 500,000 documents, memory. Writes
        bench/results/latest.json and docs/benchmarks.md."""
        try:
            rc = bench_command(quick, moties, docs, rebuild, only, no_write)
        except FileNotFoundError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        raise typer.Exit(rc)
