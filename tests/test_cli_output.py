"""What a person sees: tables that stay readable in a narrow terminal (identifiers never broken)."""
from __future__ import annotations

from rich.console import Console

from kamerstukken.cli import make_table

# a real commitment of seed 000 (kst-35300-VII-109) as `kamerstukken commitments` lists it
ROWS = [{"id": "kst-35300-VII-109#c1", "status": "overdue", "date": "2020-03-12", "ministry": "BZK",
         "deadline_end": "2020-11-30", "days_overdue": 2184, "days_late": None, "fulfilled_by": None, "member": None,
         "title": "Het is mijn voornemen uw Kamer na de zomer te informeren over de eerste opbrengsten en eventuele "
                  "vervolgstappen."}]
COLS = list(ROWS[0])


def _render(width: int) -> list[str]:
    con = Console(width=width, record=True, color_system=None)
    con.print(make_table(ROWS, COLS, "commitments", width=width))
    return con.export_text().splitlines()


def test_narrow_terminal_gets_one_block_per_row_with_whole_identifiers():
    lines = _render(80)
    assert all(len(l) <= 80 for l in lines)
    assert "kst-35300-VII-109#c1" in lines[1]
    assert any("days overdue 2184" in l for l in lines)
    assert any(l.strip().startswith("title: Het is mijn voornemen") for l in lines)


def test_wide_terminal_gets_a_table_with_prose_cut_to_one_line():
    lines = _render(200)
    header = next(l for l in lines if "days overdue" in l)
    assert "deadline end" in header and "title" in header
    row = next(l for l in lines if "kst-35300-VII-109#c1" in l)
    assert "2184" in row and "2020-11-30" in row
    assert len([l for l in lines if "Het is mijn" in l]) == 1      # one line, not wrapped
