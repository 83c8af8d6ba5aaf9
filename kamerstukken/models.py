"""Plain records shared by every stage: the document model and what the NLP layer extracts.

Every stage is a function over these dataclasses; none of them does I/O.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

KINDS = ("letter", "motion", "commitment", "advice", "news", "other")


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass
class Paragraph:
    """A block of the body: `start`/`end` are character offsets into `Document.text`."""
    start: int
    end: int
    kind: str = "para"  # para | heading | list | quote


@dataclass
class Footnote:
    mark: str            # "1", "²", ...
    text: str            # the footnote's own text
    position: Optional[int] = None  # offset in Document.text of the mark's anchor (end of the word it is glued to)


@dataclass
class Source:
    format: str          # kst-xml | ob-html | pdf | pdf-text | markdown | news | jsonl | odata | text
    origin: str          # path or URL
    content_hash: str    # sha256 of the raw bytes
    ingested_at: str = ""  # ISO timestamp, set by the store on first sight


@dataclass
class Document:
    id: str                      # canonical (kst-35300-VII-109) or "doc-<hash>"
    kind: str = "other"
    title: str = ""
    date: Optional[str] = None   # ISO yyyy-mm-dd
    vergaderjaar: Optional[str] = None  # "2019-2020"
    dossier: Optional[str] = None       # "35300-VII"
    sender: Optional[str] = None        # "minister van Binnenlandse Zaken en Koninkrijksrelaties"
    ministry: Optional[str] = None      # short code, e.g. "BZK"
    addressee: Optional[str] = None
    signatory: Optional[str] = None
    text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # format-specific extras (metadata block, onderwerp, ...)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def anchor_date(self) -> Optional[date]:
        try:
            return date.fromisoformat(self.date) if self.date else None
        except ValueError:
            return None


# ---------------------------------------------------------------- extractions

@dataclass
class Reference:
    text: str
    id: str                     # canonical id: kst-35300-VII-20, h-tk-20192020-45-7
    char_start: int = -1
    char_end: int = -1
    via: str = "text"          # text | footnote | extref


@dataclass
class Deadline:
    text: str
    kind: str                  # by | in | after | within | vague
    start: Optional[str]       # ISO date or None when it cannot be resolved without an anchor
    end: Optional[str]
    char_start: int = -1
    char_end: int = -1

    def to_json(self) -> dict:
        return {"text": self.text, "kind": self.kind, "start": self.start, "end": self.end,
                "char_start": self.char_start, "char_end": self.char_end}


@dataclass
class MotionMention:
    text: str
    ref: Optional[str] = None
    submitters: list[str] = field(default_factory=list)
    declared_done: bool = False
    request: Optional[str] = None     # the quoted requested action, when quoted
    char_start: int = -1
    char_end: int = -1

    def to_json(self) -> dict:
        return {"text": self.text, "ref": self.ref, "submitters": list(self.submitters),
                "declared_done": self.declared_done, "request": self.request,
                "char_start": self.char_start, "char_end": self.char_end}


@dataclass
class Statement:
    type: str                 # commitment | fulfilment
    text: str
    char_start: int
    char_end: int
    score: float = 1.0
    actor: Optional[str] = None     # "minister", "ik", "het kabinet", ...
    action: Optional[str] = None    # "informeren", "toesturen", ...
    topic: Optional[str] = None
    member: Optional[str] = None    # "het lid Van Dijk (CDA)"
    points_to: list[str] = field(default_factory=list)  # ids (kst-...) or words ("toezegging", "motie")
    deadlines: list[Deadline] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"type": self.type, "text": self.text, "char_start": self.char_start, "char_end": self.char_end,
                "score": round(self.score, 3), "actor": self.actor, "action": self.action, "topic": self.topic,
                "member": self.member, "points_to": list(self.points_to),
                "deadlines": [d.to_json() for d in self.deadlines]}


@dataclass
class MotionRecord:
    """What a motion document says: parsed from its own text."""
    id: Optional[str]
    submitters: list[str] = field(default_factory=list)
    considerations: list[str] = field(default_factory=list)   # constaterende/overwegende ...
    dicta: list[str] = field(default_factory=list)            # verzoekt de regering ...
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass
class Extractions:
    doc_id: Optional[str] = None
    references: list[Reference] = field(default_factory=list)
    motions: list[MotionMention] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    motion_record: Optional[MotionRecord] = None


@dataclass
class Link:
    from_id: str
    to_id: str
    relation: str            # fulfils | responds | mentions
    score: float
    accepted: bool
    evidence: str
    rank: int = 0
