"""Datasette plugins of the kamerstukken UI (loaded by `kamerstukken serve` with --plugins-dir)."""
