"""What the bodies of real letters say they carry out (kamerstukken.body), on the letter excerpts and the seeds.

usage: python bench/body_claims.py [--json]
Prints, per letter with a fulfilment statement about a motion, the claims (how the motion is referred to,
whether it is declared done, the sentence), and the totals.
"""
from __future__ import annotations

import json
import sys
from collections import Counter

from benchlib import DATA as BENCH_DATA, PKG_DATA, read_jsonl  # noqa: E402  (puts the project on sys.path)
from kamerstukken.body import BodyMention, body_claims, statements_of_text  # noqa: E402
from kamerstukken.nlp.motions import find_motion_mentions  # noqa: E402


def letters():
    for r in read_jsonl(BENCH_DATA / "letter_excerpts.jsonl"):
        yield r.get("kst_id") or r["source"], r["text"] or ""
    for p in sorted((PKG_DATA / "documents").glob("00[0134]_*.txt")):
        yield p.name, p.read_text(encoding="utf-8")


def main() -> None:
    per_letter, how = {}, Counter()
    n = 0
    for lid, text in letters():
        n += 1
        mentions = [BodyMention(m.char_start, m.char_end, m.ref, list(m.submitters), m.declared_done)
                    for m in find_motion_mentions(text)]
        claims = body_claims(statements_of_text(text), mentions)
        if claims:
            per_letter[lid] = [{"how": c.how, "ref": c.ref, "names": c.names, "declared": c.declared,
                                "sentence": " ".join(c.sentence.split())[:200]} for c in claims]
            how.update(c.how for c in claims)
    out = {"letters": n, "letters_with_claims": len(per_letter), "claims_by_how": dict(how),
           "declared_done": sum(c["declared"] for cs in per_letter.values() for c in cs), "claims": per_letter}
    if "--json" in sys.argv:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for lid, cs in per_letter.items():
        for c in cs:
            print(f"{lid}: {c['how']} {c['ref'] or ', '.join(c['names']) or '?'}{' (declared done)' if c['declared'] else ''}"
                  f" — {c['sentence'][:120]}")
    print(json.dumps({k: v for k, v in out.items() if k != "claims"}))


if __name__ == "__main__":
    main()
