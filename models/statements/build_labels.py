"""Merge the two independent labelling passes and the adjudication into data/labels.jsonl; report agreement.

usage: python models/statements/build_labels.py

Reads data/units.jsonl (from prepare_units.py) and data/passes/pass1.tsv, pass2.tsv, adjudication.tsv (lines
`UID<TAB>c|f|n|?[<TAB>note]`; c = commitment, f = fulfilment, n = none, ? = cannot decide). A unit gets a label when
both passes agree, or when they differ and the adjudicator decided; a unit the adjudicator marks `?`, or that only
one pass reached, keeps no label and is left out of training and evaluation. Writes data/labels.jsonl and
data/agreement.json (Cohen's kappa overall, per class one-vs-rest, per kind of source).
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CODES = {"c": "commitment", "f": "fulfilment", "n": "none", "?": "?"}


def read_pass(path: Path) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2 or not parts[0].startswith("U"):
            continue
        code = parts[1].strip().lower()[:1]
        if code in CODES:
            out[parts[0].strip()] = (CODES[code], parts[2].strip() if len(parts) > 2 else "")
    return out


_END = re.compile(r"[.?!:;»”\"')\d¹²³⁴⁵⁶⁷⁸⁹]\s*$")


def join_wrapped(units: list[dict]) -> list[dict]:
    """Letter excerpts keep the line wraps of their source, so `prepare_units` cut some sentences at a wrap. A unit
    that does not end a sentence is joined with the next unit of the same passage when that one starts in lower case
    or the first is a long (wrapped prose) line. The joined unit keeps the first id and lists all (`uids`)."""
    out: list[dict] = []
    for u in units:
        prev = out[-1] if out else None
        if (prev is not None and u["origin"] == "excerpt" and prev["passage"] == u["passage"]
                and not _END.search(prev["text"]) and (u["text"][:1].islower() or len(prev["text"]) >= 50)):
            prev["text"] = prev["text"] + " " + u["text"]
            prev["uids"].append(u["uid"])
            continue
        out.append({**u, "uids": [u["uid"]]})
    return out


def combine(labels: list) -> object:
    """The label of a joined unit from its pieces' labels: the statement label a piece carries, else none."""
    if any(x is None for x in labels):
        return None
    pos = [x for x in labels if x[0] in ("commitment", "fulfilment")]
    if pos:
        lab = Counter(x[0] for x in pos).most_common(1)[0][0]
    else:
        lab = "?" if any(x[0] == "?" for x in labels) else "none"
    return lab, "; ".join(x[1] for x in labels if x[1])


def merged_pass(units: list[dict], p: dict) -> dict:
    return {u["uid"]: v for u in units if (v := combine([p.get(x) for x in u["uids"]])) is not None}


def kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def main() -> None:
    units = [json.loads(x) for x in (DATA / "units.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    units = join_wrapped(units)
    p1 = merged_pass(units, read_pass(DATA / "passes" / "pass1.tsv"))
    p2 = merged_pass(units, read_pass(DATA / "passes" / "pass2.tsv"))
    adj = read_pass(DATA / "passes" / "adjudication.tsv")
    both = [u for u in units if u["uid"] in p1 and u["uid"] in p2 and p1[u["uid"]][0] != "?" and p2[u["uid"]][0] != "?"]
    a = [p1[u["uid"]][0] for u in both]
    b = [p2[u["uid"]][0] for u in both]
    agreement = {"units": len(units), "joined_wrapped_lines": sum(len(u["uids"]) - 1 for u in units), "labelled_by_both": len(both),
                 "observed_agreement": round(sum(x == y for x, y in zip(a, b)) / max(1, len(both)), 4),
                 "kappa": round(kappa(a, b), 4),
                 "kappa_one_vs_rest": {lab: round(kappa([x == lab for x in a], [y == lab for y in b]), 4)
                                       for lab in ("commitment", "fulfilment")},
                 "pass1": dict(Counter(a)), "pass2": dict(Counter(b)),
                 "confusion": {f"{x}|{y}": n for (x, y), n in sorted(Counter(zip(a, b)).items()) if x != y}}
    per_kind = {}
    for kind in sorted({u["kind"] for u in both}):
        idx = [i for i, u in enumerate(both) if u["kind"] == kind]
        per_kind[kind] = {"n": len(idx), "kappa": round(kappa([a[i] for i in idx], [b[i] for i in idx]), 4)}
    agreement["kappa_per_kind"] = per_kind
    out, status = [], Counter()
    for u in units:
        uid = u["uid"]
        l1, l2 = p1.get(uid, (None, ""))[0], p2.get(uid, (None, ""))[0]
        notes = [n for n in (p1.get(uid, ("", ""))[1], p2.get(uid, ("", ""))[1], adj.get(uid, ("", ""))[1]) if n]
        if l1 is None or l2 is None:
            status["single pass"] += 1
            continue
        if l1 == l2 and l1 != "?":
            label, how = l1, "agreed"
        elif uid in adj and adj[uid][0] != "?":
            label, how = adj[uid][0], "adjudicated"
        else:
            status["undecided" if uid in adj else "awaiting adjudication"] += 1
            continue
        status[how] += 1
        if len(u["uids"]) == 1:
            u = {k: v for k, v in u.items() if k != "uids"}
        out.append({**u, "label": label, "pass1": l1, "pass2": l2, "adjudicated": adj.get(uid, (None,))[0],
                    "how": how, **({"notes": notes} if notes else {})})
    agreement["outcome"] = dict(status)
    agreement["labels"] = dict(Counter(r["label"] for r in out))
    agreement["labels_per_kind"] = {k: dict(Counter(r["label"] for r in out if r["kind"] == k))
                                    for k in sorted({r["kind"] for r in out})}
    agreement["documents"] = len({r["doc"] for r in out})
    with open(DATA / "labels.jsonl", "w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (DATA / "agreement.json").write_text(json.dumps(agreement, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    json.dump(agreement, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
