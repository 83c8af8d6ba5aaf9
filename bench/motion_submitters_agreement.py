"""Agreement of motion submitters parsed from the signature block vs. those named in the `onderwerp` title.

usage: python bench/motion_submitters_agreement.py [MOTIES_JSONL] [--write-members PATH] [--show N]

For each motion with text, `parse_motion_text(tekst)` (no title passed: the signature block, with only the
document's own upper-case heading as fallback) is compared with `submitters_from_title(onderwerp)`:
- "Motie van de leden X en Y" (no c.s.): the signature list must equal [X, Y] (in order);
- "Motie van het lid X c.s.": the first signer must be X and there must be more than the titled names.
Names are compared strictly (full name, case-insensitive) and leniently (last word only, as score_extract.py
compares submitters). --write-members writes the names seen in signature blocks (>= 2 motions) and titles,
the data file kamerstukken/nlp/data/members.txt.
"""
from __future__ import annotations

import collections
import json
import sys
import time
import unicodedata
from pathlib import Path

from kamerstukken.nlp.motions import parse_motion_text, submitters_from_title

DEFAULT = "../shared/corpus/tk_moties_2023_2025/moties.jsonl"


def _fold(n: str) -> str:
    """case and diacritics folded: "Kostić" = "Kostic", "Yeşilgöz" = "Yesilgoz" (the titles drop diacritics)."""
    return "".join(c for c in unicodedata.normalize("NFKD", n.lower()) if not unicodedata.combining(c))


def _strict(n: str) -> str:
    return " ".join(_fold(n).split())


def _lenient(n: str) -> str:
    return _fold(n).split()[-1] if n.split() else ""


def agrees(sig: list[str], title: list[str], cs: bool, norm) -> bool:
    s = [norm(x) for x in sig]
    t = [norm(x) for x in title]
    if not s or not t:
        return False
    if cs:
        return s[: len(t)] == t and len(s) > len(t)
    return s == t


def main(argv: list[str]) -> None:
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", default=DEFAULT)
    ap.add_argument("--write-members")
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args(argv)
    path, write, show = Path(a.path), a.write_members, a.show
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = with_text = strict_ok = lenient_ok = no_sig = no_title = 0
    names = collections.Counter()
    title_names = collections.Counter()
    misses = []
    t0 = time.perf_counter()
    for r in rows:
        n += 1
        text = r.get("tekst") or ""
        if not text:
            continue
        with_text += 1
        rec = parse_motion_text(text, None, r.get("kst_id"))
        title, cs = submitters_from_title(r.get("onderwerp") or "")
        if not rec.submitters:
            no_sig += 1
        if not title:
            no_title += 1
        names.update(rec.submitters)
        title_names.update(title)
        s_ok = agrees(rec.submitters, title, cs, _strict)
        l_ok = agrees(rec.submitters, title, cs, _lenient)
        strict_ok += s_ok
        lenient_ok += l_ok
        if not l_ok:
            misses.append((r.get("kst_id"), r.get("onderwerp", "")[:90], rec.submitters, title, cs))
    dt = time.perf_counter() - t0
    res = {"motions": n, "with_text": with_text, "agree_strict": strict_ok, "agree_lenient": lenient_ok,
           "rate_strict": round(strict_ok / with_text, 4) if with_text else 0.0,
           "rate_lenient": round(lenient_ok / with_text, 4) if with_text else 0.0,
           "no_signature_parsed": no_sig, "no_title_names": no_title, "seconds": round(dt, 2)}
    print(json.dumps(res, ensure_ascii=False, indent=1))
    for m in misses[:show]:
        print(m)
    if write:
        keep = {k for k, v in names.items() if v >= 2} | set(title_names)
        lines = sorted(keep, key=str.lower)
        Path(write).write_text("# member names from the signature blocks and titles of 6,388 TK motions 2023-2025\n"
                               + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} names to {write}; run scripts/make_members_hyphenated.py next to add the "
              f"hyphenated names of 2008-2025", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
