"""The `kamerstukken` command. `extract FILE` / `extract -` (the interface outside scorers call, often once per
file) starts without the rest of the application; every other command line goes to the Typer app (`cli.main`)."""
from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "extract" and (args[1] == "-" or not args[1].startswith("-")):
        from .extract_cmd import run_extract
        sys.exit(run_extract(args[1]))
    from .cli import main as cli_main
    cli_main()


if __name__ == "__main__":
    main()
