"""Check motion mentions and their Kamerstuk refs on real letter subjects, with no hand labels needed.

corpus/tk_zaken_2008_2025/zaak_brieven_regering_over_motie_of_toezegging_2008_2025.csv holds 5,817 letter Zaken
whose subject mentions a motie or toezegging, with the Kamerstuk refs parsed from the subject by the data's
provider (`kamerstuk_refs`). For the 1,350 subjects that mention a motie and carry refs, every ref should end up
on one of the motion mentions `kamerstukken extract` finds (a subject's refs are the motions it names; a few are
letters or debates, so 100% is not the ceiling), and no mention should carry a ref that is not in the subject.

usage: python bench/eval_subject_refs.py [--misses N]
"""
from __future__ import annotations

import argparse
import csv
import json
from datetime import date

from benchlib import SHARED  # noqa: E402  (puts the project on sys.path)
from kamerstukken.nlp.extract import extract_text  # noqa: E402

CSV = SHARED / "corpus/tk_zaken_2008_2025/zaak_brieven_regering_over_motie_of_toezegging_2008_2025.csv"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", type=int, default=0, help="print this many subjects whose refs were not all placed")
    a = ap.parse_args()
    n = placed = wrong = 0
    misses = []
    with CSV.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if "motie" not in (r.get("mentions") or "") or not r.get("kamerstuk_refs"):
                continue
            gold = {x.strip().lower() for x in r["kamerstuk_refs"].split("|") if x.strip()}
            d = (r.get("GestartOp") or "")[:10]
            ex = extract_text(r["Onderwerp"], anchor=date.fromisoformat(d) if d else None)
            got = {(m.ref or "").lower() for m in ex.motions if m.ref}
            n += 1
            placed += gold <= got
            wrong += bool(got - gold)
            if not gold <= got:
                misses.append({"subject": r["Onderwerp"], "refs": sorted(gold), "on_mentions": sorted(got)})
    print(json.dumps({"subjects": n, "all_refs_on_mentions": placed, "share": round(placed / n, 3),
                      "mentions_with_a_ref_not_in_the_subject": wrong}, indent=1))
    for m in misses[:a.misses]:
        print(json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main()
