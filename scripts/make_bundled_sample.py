"""Build the bundled real sample the main job runs on (kamerstukken/data/corpus/*.jsonl.gz).

Run once from the project root with the shared corpus beside it:
    python scripts/make_bundled_sample.py ../shared/corpus
Records are copied verbatim into the spec §2 JSON Lines shape; nothing is edited. Deterministic. A motion's
`besluit` is the corpus's third-party vote field, with `besluit_source` saying so.
"""
import gzip
import json
import random
import re
import sys
from pathlib import Path

corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
out = Path(__file__).resolve().parents[1] / "kamerstukken" / "data" / "corpus"
out.mkdir(parents=True, exist_ok=True)

motions = [json.loads(l) for l in open(corpus / "tk_moties_2023_2025/moties.jsonl", encoding="utf-8")]
letters = [json.loads(l) for l in open(corpus / "tk_brieven_regering_2024_2025/brieven_regering_metadata.jsonl",
                                       encoding="utf-8")]
by_id = {m["kst_id"].lower(): m for m in motions if m.get("kst_id")}

# Letters whose subject line names a motion or toezegging (2024-2025), and every motion they cite.
chosen_letters = [l for l in letters if re.search(r"\bmotie|\btoezegging", l["onderwerp"] or "", re.I)
                  and (l["datum"] or "") >= "2024"]
cited = set()
for l in chosen_letters:
    for r in l.get("kamerstuk_refs_in_onderwerp") or []:
        k = "kst-" + r.lower()
        if k in by_id:
            cited.add(k)
rng = random.Random(20251123)
others = sorted(k for k in by_id if k not in cited)
sample = sorted(cited | set(rng.sample(others, 1200)))

with gzip.open(out / "motions.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as f:
    for k in sample:
        m = by_id[k]
        f.write(json.dumps({"id": m["kst_id"], "kind": "motion", "date": (m.get("datum") or "")[:10],
                            "title": m.get("onderwerp") or "", "text": m.get("tekst") or "",
                            "source": f"https://zoek.officielebekendmakingen.nl/{m['kst_id']}.html",
                            "dossier": m.get("dossier"), "zaak_nummer": m.get("zaak_nummer"),
                            "kabinetsappreciatie": m.get("kabinetsappreciatie"),
                            "api_afgedaan": m.get("api_afgedaan"),
                            # the corpus's vote outcome comes from a third party's join: kept, marked unverified
                            "besluit": m.get("besluit_motiematcher_unverified"),
                            "besluit_source": "third party, unverified (motiematcher join of the corpus)"
                            if m.get("besluit_motiematcher_unverified") else None}, ensure_ascii=False) + "\n")
with gzip.open(out / "letters.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as f:
    for l in chosen_letters:
        f.write(json.dumps({"id": l["document_nummer"], "kind": "letter", "date": (l.get("datum") or "")[:10],
                            "title": l.get("onderwerp") or "", "text": "",
                            "source": "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Document(%s)"
                                      % l["document_id"],
                            "dossier_titel": l.get("titel")}, ensure_ascii=False) + "\n")
print(f"{len(sample)} motions ({len(cited)} cited by letters), {len(chosen_letters)} letters → {out}")
