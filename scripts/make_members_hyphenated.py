"""Add hyphenated member names of 2008-2025 to kamerstukken/nlp/data/members.txt.

"de motie Van Baarle-Dassen" names two members, "de motie Snijder-Hazelhoff" one: only a list of real names
tells them apart. The motion subjects of the TK open data (corpus/tk_zaken_2008_2025/zaak_moties_2008_2025.csv,
45,947 subjects "Motie van het lid X over ..." / "van de leden X en Y ...") give every hyphenated surname used
by a member in those years. Names seen at least twice, without digits or brackets, are appended to
members.txt (already listed ones are skipped), under a header that says where they come from.

usage: python scripts/make_members_hyphenated.py [CSV]
(after `python bench/motion_submitters_agreement.py --write-members kamerstukken/nlp/data/members.txt`, which
rewrites the file from the 2023-2025 motions; running this twice changes nothing)
"""
from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kamerstukken.nlp.motions import split_submitters  # noqa: E402

CSV = ROOT.parent / "shared/corpus/tk_zaken_2008_2025/zaak_moties_2008_2025.csv"
OUT = ROOT / "kamerstukken/nlp/data/members.txt"
SUBJECT = re.compile(r"^(?:Gewijzigde |Nader gewijzigde |Tweede nader gewijzigde )?[Mm]otie van (?:het lid|de leden) "
                     r"(.+?)(?: c\.s\.)? (?:over|inzake|betreffende|ter|om|m\.b\.t\.)\b")
CLEAN = re.compile(r"^[A-ZÀ-Þ][\w'’.]*(?:[ -][\w'’.]+)*$")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CSV
    seen: collections.Counter = collections.Counter()
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            m = SUBJECT.match(r.get("Onderwerp") or "")
            if m:
                seen.update(split_submitters(m.group(1)))
    header = "# hyphenated names of members 2008-2025, from the motion subjects of zaak_moties_2008_2025.csv " \
             "(scripts/make_members_hyphenated.py)"
    lines = OUT.read_text(encoding="utf-8").splitlines()
    if header in lines:                       # a second run replaces its own section
        lines = lines[:lines.index(header)]
    have = {l.strip().lower() for l in lines if l.strip() and not l.startswith("#")}
    new = sorted({n for n, k in seen.items() if k >= 2 and "-" in n and CLEAN.match(n) and not re.search(r"\d", n)
                  and n.lower() not in have}, key=str.lower)
    OUT.write_text("\n".join(lines + [header] + new) + "\n", encoding="utf-8")
    print(f"{len(new)} hyphenated names added to {OUT}")


if __name__ == "__main__":
    main()
