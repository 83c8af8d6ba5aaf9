"""Features of one (letter, candidate) pair: what the learned linker (`link.model`) weighs.

Every feature is a plain number read off the letter and the candidate: how the letter refers to it (an explicit
reference, the register, Zaak.GerelateerdNaar, "t.v.v."), how well the submitters and the topic a subject line
names fit, text similarity, dates, dossier, debate, the subject line's and the body's relation cues, and where
the candidate stands among the candidates of the same mention. No weights here: `link.model` learns them.
"""
from __future__ import annotations

import math
from typing import Optional

FEATURES = (
    "explicit_ref", "register_or_zaak", "tvv_named", "replaced_original", "declared_done", "body_claim",
    "names_given", "names_score", "names_mismatch", "topic_score", "text_cover", "cosine", "member_score",
    "same_dossier", "debate_share", "date_named_near", "days_log", "after_letter", "amended_agrees",
    "runner_up", "sibling", "title_fulfils", "title_responds", "is_commitment", "n_mentions",
    "via_mention", "via_member", "via_text_only", "names_x_topic", "topic_gap", "cover_gap", "cosine_gap",
    "newest_of_close", "rule_score", "rule_gap",
)
_RELATIVE = (("topic_score", "topic_gap"), ("text_cover", "cover_gap"), ("cosine", "cosine_gap"),
             ("rule_score", "rule_gap"))


def _mention_scores(ctx, t, i: int) -> tuple[float, float, float, bool]:
    """Best (names, topic, coverage) over the letter's mentions that may name this candidate; whether a
    mention names submitters that are not this motion's."""
    L = ctx.link
    best = (0.0, 0.0, 0.0)
    mismatch = False
    for m, m_topic, m_terms in ctx.prepared:
        if m.ref and ctx.index.by_id.get(m.ref.lower()) != i:
            continue
        ns = L._names_score(m.submitters, t) if m.submitters else 0.0
        if m.submitters and ns == 0.0:
            mismatch = True
            continue
        ts = max(L.topic_sim(m_topic, ctx.index.topic_n[i]), L.topic_sim(m_topic, ctx.index.title_n[i])) \
            if m_topic else 0.0
        cov = L.coverage(m_terms, ctx.index.blob[i], ctx.index.idf, ctx.index.max_idf) if m_terms else 0.0
        if (ns, ts, cov) > best:
            best = (ns, ts, cov)
    return best[0], best[1], best[2], mismatch and best == (0.0, 0.0, 0.0)


def _debate_share(ctx, t) -> float:
    terms_ = ctx.letter.debate_terms
    if not terms_ or t.kind != "motion" or not t.debate:
        return 0.0
    deb = "".join(ctx.link.words(t.debate))
    return sum(1 for w in terms_ if w[:max(5, len(w) - 2)] in deb) / len(terms_)


def _member_score(ctx, t) -> float:
    names = ctx.letter.member_names
    if not names:
        return 0.0
    return max((ctx.link.name_sim(n, x) for n in names for x in t.names + t.sig_names), default=0.0)


def pair_features(ctx, sc, cosine: float) -> dict[str, float]:
    """The features of candidate `sc` (a `Scored`) of the letter in `ctx` (`FeatureContext`)."""
    i, letter = sc.target, ctx.letter
    t = ctx.index.targets[i]
    ev = sc.evidence or ""
    ns, ts, cov, mismatch = _mention_scores(ctx, t, i)
    lo, to = letter.ord, t.ord
    days = (lo - to) if (lo is not None and to is not None) else None
    named_ords = ctx.named_ords
    amended = ctx.index.amended[i]
    want_amended = [m.amended for m in letter.mentions if m.amended is not None]
    return {
        "explicit_ref": float(ev.startswith("explicit reference")),
        "register_or_zaak": float("KamerbriefNakoming" in ev or ev.startswith("Zaak.GerelateerdNaar")
                                  or "register" in ev.split(":")[0]),
        "tvv_named": float(ev.startswith("replaced motion named in title")),
        "replaced_original": float(ev.startswith("replaced by")),
        "declared_done": float("declared done" in ev),
        "body_claim": float("fulfilment statement in the letter" in ev),
        "names_given": float(ctx.any_named),
        "names_score": ns,
        "names_mismatch": float(mismatch),
        "topic_score": ts,
        "text_cover": cov,
        "cosine": min(1.0, cosine),
        "member_score": _member_score(ctx, t),
        "same_dossier": float(bool(letter.dossier and t.dossier and letter.dossier == t.dossier)),
        "debate_share": _debate_share(ctx, t),
        "date_named_near": float(to is not None and any(0 <= d - to <= 14 for d in named_ords)),
        "days_log": math.log1p(max(0, days)) / 8.0 if days is not None else 0.5,
        "after_letter": float(days is not None and days < 0),
        "amended_agrees": (1.0 if amended == want_amended[0] else -1.0) if want_amended else 0.0,
        "runner_up": float(getattr(sc, "runner_up", False)),
        "sibling": float("submitted in the same debate as" in ev),
        "title_fulfils": float(letter.title_relation == "fulfils"),
        "title_responds": float(letter.title_relation == "responds"),
        "is_commitment": float(t.kind == "commitment"),
        "n_mentions": min(3.0, float(sum(m.count for m in letter.mentions))) / 3.0,
        "via_mention": float(bool(sc.order) and sc.order[0] == 1),
        "via_member": float(bool(sc.order) and sc.order[0] == 2),
        "via_text_only": float(bool(sc.order) and sc.order[0] == 3),
        "names_x_topic": ns * ts,
        # the rule linker's ranking score (candidate generation): what the structural rules (gewijzigde motie,
        # one motion per mention, debate siblings) make of the candidate
        "rule_score": max(-1.0, min(2.0, sc.raw)),
        "_ord": float(to or 0),
    }


def _relative(rows: dict[int, dict[str, float]]) -> None:
    """How far each candidate is behind the letter's best on topic, text and similarity (0 = the best), and
    whether it is the newest of the candidates within 0.05 of the best topic score (a re-submitted motion)."""
    if not rows:
        return
    for src, dst in _RELATIVE:
        best = max(r[src] for r in rows.values())
        for r in rows.values():
            r[dst] = best - r[src]
    close = [r for r in rows.values() if r["topic_gap"] <= 0.05 and r["topic_score"] > 0]
    newest = max((r["_ord"] for r in close), default=None)
    for r in rows.values():
        r["newest_of_close"] = float(newest is not None and r in close and r["_ord"] == newest)


class FeatureContext:
    """What the features of one letter's candidates share (prepared once per letter)."""

    def __init__(self, link_module, index, letter, qv=None):
        self.link, self.index, self.letter = link_module, index, letter
        title_terms = link_module._topic_terms(letter.title)
        self.prepared = []
        for m in letter.mentions:
            m_topic = " ".join(link_module.terms(m.topic)) if m.topic else ""
            m_terms = link_module._topic_terms(m.topic) if m.topic else \
                [w for w in title_terms if w not in {link_module.name_key(n) for n in m.submitters}]
            self.prepared.append((m, m_topic, m_terms))
        self.any_named = any(m.submitters for m in letter.mentions)
        self.named_ords = [o for o in (link_module.iso_ord(d) for d in letter.dates_named) if o is not None]
        self.qv = qv

    def cosines(self, ids: list[int]) -> list[float]:
        if self.qv is None or self.index.matrix is None or not ids:
            return [0.0] * len(ids)
        return [float(x) for x in (self.index.matrix[ids] @ self.qv.T).toarray().ravel()]


def feature_rows(link_module, index, letter, found: dict, qv=None) -> dict[int, dict[str, float]]:
    """Features of every candidate in `found` (target index -> `Scored`)."""
    if qv is None and index.matrix is not None:
        qv = index.vector(letter.title + " " + letter.text[:20000])
    ctx = FeatureContext(link_module, index, letter, qv)
    ids = sorted(found)
    rows = {i: pair_features(ctx, found[i], c) for i, c in zip(ids, ctx.cosines(ids))}
    _relative(rows)
    return rows


def vector(feats: dict[str, float]) -> list[float]:
    return [float(feats.get(k, 0.0)) for k in FEATURES]


def has_evidence_beyond_names(feats: dict[str, float], topic_min: float = 0.8) -> Optional[str]:
    """What, besides submitter names and text similarity, says the letter answers this motion (None if
    nothing): an accepted `fulfils` needs it."""
    for k in ("explicit_ref", "register_or_zaak", "tvv_named", "replaced_original", "declared_done", "body_claim"):
        if feats.get(k):
            return k
    if feats.get("topic_score", 0) >= topic_min:
        return "topic named"
    if feats.get("debate_share", 0) >= 0.5 or (feats.get("date_named_near") and feats.get("names_score", 0) >= 0.85):
        return "debate or date named"
    return None
