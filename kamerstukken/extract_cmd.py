"""`kamerstukken extract FILE|-` (spec/extract-io.md §1): JSON Lines in, JSON Lines out.

Kept apart from the Typer application so that the command the outside scorers call most starts without
importing the store, the web layer and their dependencies: `entry.main` runs it directly when the command line is
exactly `extract FILE` or `extract -`; `cli.extract` runs the same function for every other form.
"""
from __future__ import annotations

import io
import json
import re
import sys
from typing import Callable, Optional


def run_extract(input: str, on_error: Optional[Callable[[str], None]] = None) -> int:
    """Read `input` (a path, or - for standard input) and write one output line per input line. Returns the exit
    status: 2 when the input cannot be read, else 0 (a bad line is an error object in the output)."""
    from .nlp.extract import extract_lines
    try:
        fh = sys.stdin.buffer if input == "-" else open(input, "rb")
    except (OSError, ValueError) as exc:
        msg = f"cannot read {input}: {getattr(exc, 'strerror', None) or exc}"
        (on_error or _plain_error)(msg)
        return 2
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="strict", newline="\n") \
        if hasattr(sys.stdout, "buffer") else sys.stdout
    try:   # each line decoded on its own: a bad byte costs that line (an error object), not the run
        lines = (raw.decode("utf-8", errors="surrogateescape") for raw in fh)
        for obj in extract_lines(lines):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    finally:
        out.flush()
        if out is not sys.stdout:
            out.detach()   # leave sys.stdout's buffer open
        if fh is not sys.stdin.buffer:
            fh.close()
    return 0


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(value) -> str:
    """Text as text for a terminal: control characters (ESC sequences, BEL, …) shown as \\xNN, never
    executed; use with markup=False or rich.text.Text so `[/b]` in a path or title stays literal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else
                        f"\\u{ord(m.group()):04x}", str(value))


def _plain_error(msg: str) -> None:
    sys.stderr.write("error: " + " ".join(safe(msg).split()) + "\n")
