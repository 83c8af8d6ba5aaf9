"""Shared text handling for every parser: decoding, mojibake repair, footnote marks, header analysis and
assembly of a `Document` from blocks.

Pipeline used by all parsers::

    bytes --decode()--> str --(format module)--> [Block] + {mark: footnote text} + meta
          --build_document()--> Document

A `Block` is one paragraph of text in which footnote marks are encoded inline as ``MARK_OPEN + mark +
MARK_CLOSE`` (private-use characters that never occur in real text). `assemble()` removes the marks and
records each one as a `Footnote` whose `position` is the offset, in the final text, right after the word the
mark was glued to. No I/O here.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as _date, timedelta
from typing import Any, Iterable, Optional

from ..models import Document, Footnote, Paragraph, Source

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARK_RE = re.compile(MARK_OPEN + r"([^" + MARK_CLOSE + r"]*)" + MARK_CLOSE)


class ParseError(ValueError):
    """The input cannot be parsed: empty, truncated, corrupt, binary or of an unsupported shape."""


@dataclass
class Block:
    text: str
    kind: str = "para"  # para | heading | list | quote | speech-government | speech-member | speech-chair | speech-unknown


@dataclass
class Parsed:
    """What a format module hands to `build_document`."""
    blocks: list[Block]
    footnotes: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # id, kind, title, date, ... known from structure


# ------------------------------------------------------------------ decoding

_BINARY_CTRL_RE = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# characters that cp1252 (or latin-1) produce for the continuation bytes 0x80-0xBF of UTF-8
_CONT = "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d" \
        "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE_RE = re.compile("[\u00c2-\u00df][" + _CONT + "]|[\u00e0-\u00ef][" + _CONT + "]{2}|[\u00f0-\u00f4][" + _CONT + "]{3}")
_MOJIBAKE_HINT_RE = re.compile("[\u00c2\u00c3\u00e2][" + _CONT + "]")


def _mojibake_bytes(s: str) -> Optional[bytes]:
    out = bytearray()
    for ch in s:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            o = ord(ch)
            if o < 256:
                out.append(o)  # latin-1 for the five bytes cp1252 leaves undefined
            else:
                return None
    return bytes(out)


def fix_mojibake(text: str) -> tuple[str, int]:
    """Repair UTF-8 that was decoded as cp1252/latin-1 ("Ã«" → "ë", "â€™" → "’"). Returns (text, repairs).

    Works per run of suspicious characters, so correctly encoded text around it is left alone."""
    if not _MOJIBAKE_HINT_RE.search(text):
        return text, 0
    n = 0

    def repl(m: re.Match) -> str:
        nonlocal n
        b = _mojibake_bytes(m.group(0))
        if b is None:
            return m.group(0)
        try:
            fixed = b.decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)
        n += 1
        return fixed

    # repeat once for double-double encoding
    for _ in range(2):
        before = n
        text = _MOJIBAKE_RE.sub(repl, text)
        if n == before or not _MOJIBAKE_HINT_RE.search(text):
            break
    return text, n


def check_not_binary(data: bytes) -> None:
    if not data or not data.strip():
        raise ParseError("empty input (no bytes or only whitespace)")
    head = data[:4096]
    if b"\x00" in head:
        raise ParseError("binary data: NUL bytes in the input (not a text, XML, HTML or PDF document)")


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes → text. UTF-8 (BOM stripped); cp1252 fallback (warning); mojibake repaired (warning)."""
    check_not_binary(data)
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"broken UTF-16 text: {exc.reason}") from None
        warnings.append("decoded as UTF-16 (BOM)")
        data = text.encode("utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason.startswith("unexpected end"):
            text = data[:exc.start].decode("utf-8")
            warnings.append("input ends inside a UTF-8 character (truncated?); last bytes dropped")
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            warnings.append(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at {exc.start}); decoded as cp1252")
    ctrl = len(_BINARY_CTRL_RE.findall(text[:8192]))
    if ctrl > max(8, len(text[:8192]) // 50):
        raise ParseError(f"binary data: {ctrl} control characters in the first 8 KB")
    text, n = fix_mojibake(text)
    if n:
        warnings.append(f"repaired {n} mojibake sequence(s) (UTF-8 read as cp1252)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
    return text, warnings


# ------------------------------------------------------------------ small text helpers

_WS_RE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUP_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def squash(s: str) -> str:
    """Collapse runs of spaces/tabs/nbsp to one space and strip (newlines kept)."""
    return "\n".join(_WS_RE.sub(" ", line).strip() for line in s.split("\n")).strip()


def one_line(s: str) -> str:
    return _WS_RE.sub(" ", s.replace("\n", " ")).strip()


MONTHS = {"januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
          "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12}
DATE_RE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_dutch_date(s: str) -> Optional[str]:
    m = DATE_RE.search(s)
    if m:
        try:
            return _date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
        except ValueError:
            return None
    m = ISO_RE.search(s)
    if m:
        try:
            return _date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    return None


def vergaderjaar_for(iso: str) -> Optional[str]:
    """The parliamentary year a date falls in: it starts on Prinsjesdag (third Tuesday of September)."""
    try:
        d = _date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    sept1 = _date(d.year, 9, 1)
    prinsjesdag = sept1 + timedelta(days=(1 - sept1.weekday()) % 7 + 14)
    y = d.year if d >= prinsjesdag else d.year - 1
    return f"{y}-{y + 1}"


# ------------------------------------------------------------------ ministries

# (name as it follows "minister van/voor", short code). Order: longest first when matching.
MINISTRIES: list[tuple[str, str]] = [
    ("Binnenlandse Zaken en Koninkrijksrelaties", "BZK"),
    ("Algemene Zaken", "AZ"),
    ("Buitenlandse Zaken", "BZ"),
    ("Buitenlandse Handel en Ontwikkelingssamenwerking", "BHO"),
    ("Defensie", "DEF"),
    ("Economische Zaken en Klimaat", "EZK"),
    ("Economische Zaken", "EZ"),
    ("Financiën", "FIN"),
    ("Infrastructuur en Waterstaat", "IenW"),
    ("Infrastructuur en Milieu", "IenM"),
    ("Justitie en Veiligheid", "JenV"),
    ("Veiligheid en Justitie", "VenJ"),
    ("Rechtsbescherming", "JenV"),
    ("Landbouw, Natuur en Voedselkwaliteit", "LNV"),
    ("Landbouw, Visserij, Voedselzekerheid en Natuur", "LVVN"),
    ("Natuur en Stikstof", "LNV"),
    ("Onderwijs, Cultuur en Wetenschap", "OCW"),
    ("Primair en Voortgezet Onderwijs", "OCW"),
    ("Basis- en Voortgezet Onderwijs en Media", "OCW"),
    ("Sociale Zaken en Werkgelegenheid", "SZW"),
    ("Armoedebeleid, Participatie en Pensioenen", "SZW"),
    ("Volksgezondheid, Welzijn en Sport", "VWS"),
    ("Medische Zorg", "VWS"),
    ("Medische Zorg en Sport", "VWS"),
    ("Langdurige Zorg, Jeugd en Sport", "VWS"),
    ("Jeugd, Preventie en Sport", "VWS"),
    ("Klimaat en Groene Groei", "KGG"),
    ("Klimaat en Energie", "EZK"),
    ("Volkshuisvesting en Ruimtelijke Ordening", "VRO"),
    ("Asiel en Migratie", "AenM"),
    ("Koninkrijksrelaties en Digitalisering", "BZK"),
    ("Herstel Groningen", "BZK"),
    ("Fiscaliteit en Belastingdienst", "FIN"),
    ("Toeslagen en Douane", "FIN"),
    ("Cultuur en Media", "OCW"),
    ("Ontwikkelingssamenwerking", "BZ"),
    ("Milieu", "IenW"),
]
MINISTRIES.sort(key=lambda t: -len(t[0]))
_MIN_BY_UPPER = {n.upper(): (n, c) for n, c in MINISTRIES}
_MIN_RE = re.compile(r"\b(?:minister|staatssecretaris|ministerie|minister-president)\s+(?:van|voor)\s+("
                     + "|".join(re.escape(n) for n, _ in MINISTRIES) + r")", re.I)
_MIN_CODE_PAREN_RE = re.compile(r"\((" + "|".join(sorted({re.escape(c) for _, c in MINISTRIES}, key=len, reverse=True)) + r")\)")


def ministry_code(text: str) -> Optional[str]:
    m = _MIN_RE.search(text)
    if m:
        return _MIN_BY_UPPER[m.group(1).upper()][1]
    m = _MIN_CODE_PAREN_RE.search(text)
    return m.group(1) if m else None


_SENDER_RE = re.compile(r"\b(minister-president|minister|staatssecretaris)\s+(van|voor)\s+("
                        + "|".join(re.escape(n) for n, _ in MINISTRIES) + r")", re.I)


def sender_from(text: str) -> Optional[str]:
    """'BRIEF VAN DE MINISTER VAN BINNENLANDSE ZAKEN ...' or 'De Minister van ...,' → 'minister van Binnenlandse
    Zaken en Koninkrijksrelaties' (ministry names in their official spelling)."""
    m = _SENDER_RE.search(text)
    if not m:
        return None
    name = _MIN_BY_UPPER[m.group(3).upper()][0]
    return f"{m.group(1).lower()} {m.group(2).lower()} {name}"


# ------------------------------------------------------------------ kamerstuk ids and header lines

DOSSIER_LINE_RE = re.compile(r"^(\d{2})\s?(\d{3})(?:\s*[-–]?\s*((?:[A-Z]{1,6}|\d{1,3}|\(R\d+\))))?"
                             r"(?:\s*[-–]\s*(\d{1,3}))?$")
NR_LINE_RE = re.compile(r"^Nr\.\s*(\d+)\s*$")
VERGADERJAAR_RE = re.compile(r"Vergaderjaar\s+(\d{4})\s*[-–/]\s*(\d{4})", re.I)
STUK_TITLE_RE = re.compile(r"^(?:GEWIJZIGDE\s+)?(BRIEF|MOTIE|AMENDEMENT|ADVIES|VERSLAG|NOTA|MEMORIE|"
                           r"VOORSTEL|LIJST|KONINKLIJKE BOODSCHAP|VOORLICHTING|BRIEF VAN)\b[A-Z0-9 ,.;:'’()\-–]*$")
ADDRESSEE_RE = re.compile(r"^Aan\s+(de\s+Voorzitter\s+van\s+de\s+(?:Tweede|Eerste)\s+Kamer(?:\s+der\s+Staten-Generaal)?)", re.I)
DATE_LINE_RE = re.compile(r"^(?:Den Haag|'s-Gravenhage|Datum)[,:]?\s+(.*\d{4})\s*$", re.I)
BETREFT_RE = re.compile(r"^(?:Betreft|Onderwerp)[:\s]\s*(.+)$", re.I)
CLOSING_RE = re.compile(r"^(?:De|Het)\s+((?:[Mm]inister(?:-[Pp]resident)?|[Ss]taatssecretaris)\b[^\n]{0,120}?),?\s*$")
# furniture: running heads and page numbers in PDF-derived text
FURNITURE_RE = re.compile(
    r"^(?:Pagina\s+\d+\s+van\s+\d+|\d{1,3}|-\s*\d{1,3}\s*-|"
    r"Datum\s+\d{1,2}\s+\w+\s+\d{4}(?:\s+Onze referentie\s+\S+)?(?:\s+Pagina\s+\d+\s+van\s+\d+)?|"
    r"Onze referentie\s+\S+|Ons kenmerk\s+\S+|Kenmerk\s+\S+|Uw referentie\s*\S*)$", re.I)


def dossier_key(num: str, suffix: Optional[str] = None, sub: Optional[str] = None) -> str:
    d = re.sub(r"\s+", "", num)
    for part in (suffix, sub):
        if part:
            d += "-" + part.strip("() ").upper()
    return d


def canonical_kst(dossier: str, nr: str) -> str:
    return f"kst-{dossier}-{int(nr) if nr.isdigit() else nr}"


def sentence_title(upper: str) -> str:
    """'MOTIE VAN HET LID VAN DER GRAAF C.S.' → 'Motie van het lid Van der Graaf c.s.';
    'BRIEF VAN DE MINISTER VAN BINNENLANDSE ZAKEN ...' → 'Brief van de minister van Binnenlandse Zaken ...'."""
    t = one_line(upper)
    if not t or t != t.upper():
        return t
    sender = sender_from(t)
    m = re.match(r"^(.*?\b(?:VAN HET LID|VAN DE LEDEN))\s+(.*)$", t)
    if m:
        head, names = m.group(1), m.group(2)
        stop = re.search(r"\b(TER VERVANGING|T\.V\.V\.|OVER)\b", names)
        rest = ""
        if stop:
            names, rest = names[:stop.start()].strip(), names[stop.start():]
        out, start_name = [], True
        for w in names.split():
            lw = w.lower()
            if lw in ("en", "c.s.", "c.s", ","):
                out.append(lw)
                start_name = True
            elif lw in ("van", "der", "den", "de", "het", "ter", "ten", "in", "'t", "op") and not start_name:
                out.append(lw)
            else:
                out.append(w.capitalize() if "-" not in w else "-".join(p.capitalize() for p in w.split("-")))
                start_name = False
        s = head.capitalize() + " " + " ".join(out) + (" " + rest.lower() if rest else "")
        return s.strip()
    s = t.lower().capitalize()
    if sender:
        low = sender.lower()
        i = s.lower().find(low)
        if i >= 0:
            s = s[:i] + sender + s[i + len(low):]
    return s


# ------------------------------------------------------------------ footnote marks in flat text

def glue_marks(text: str, footnote_marks: Iterable[str], start_expected: int = 1) -> tuple[str, int]:
    """Detach footnote marks glued to words in PDF text ("Molen1", "bestuur1,", "2018.2 Met") and encode them
    as inline marks. Only marks that are the next expected number (1, 2, 3, ...) and, when footnote texts
    were found, have a footnote text are taken, so "CO2" or "artikel 12" are left alone."""
    known = set(footnote_marks)
    expected = start_expected
    out, pos = [], 0
    pat = re.compile(r"(?<=[A-Za-zÀ-ÿ)»”’\"\.,;:])(\d{1,3}|[" + _SUP_CHARS + r"]{1,3})(?=[\s,.;:)»”’]|$)")
    for m in pat.finditer(text):
        mark = m.group(1).translate(SUPERSCRIPTS)
        if not mark.isdigit() or int(mark) != expected or (known and mark not in known):
            continue
        before = text[max(0, m.start() - 6):m.start()]
        if m.group(1)[0] in "0123456789":
            if re.search(r"\d[.,]$", before) and not re.search(r"(?:19|20)\d\d\.$", before):
                continue  # "3.5", "1,2": a number, not a mark (but "2018.2" is a year + mark)
            if re.search(r"\b(?:nr|art|artikel|lid|blz|p|pagina|nummer)\.?$", before, re.I):
                continue
        out.append(text[pos:m.start()])
        out.append(MARK_OPEN + mark + MARK_CLOSE)
        pos = m.end()
        expected += 1
    out.append(text[pos:])
    return "".join(out), expected


def superscript_marks(text: str) -> str:
    """Unicode superscript digits glued to a word → inline marks."""
    return re.sub(r"(?<=\S)([" + _SUP_CHARS + r"]{1,3})",
                  lambda m: MARK_OPEN + m.group(1).translate(SUPERSCRIPTS) + MARK_CLOSE, text)


# ------------------------------------------------------------------ header / closing analysis

def analyse_header(blocks: list[Block], max_scan: int = 14) -> tuple[dict[str, Any], list[Block]]:
    """Read the kamerstuk heading (vergaderjaar, dossier, title, Nr., stuk titel, addressee, date) and the
    letter-head of departmental letters (Datum, Betreft, Onze referentie ...) from the first blocks.
    Returns the fields found and the body blocks (heading blocks removed)."""
    f: dict[str, Any] = {}
    header_lines: list[str] = []
    i = 0
    consumed_upto = 0
    n = min(len(blocks), max_scan)
    while i < n:
        raw = blocks[i].text.strip()
        line = one_line(MARK_RE.sub("", raw))
        hit = True
        m = VERGADERJAAR_RE.search(line)
        if m and len(line) < 60:
            f["vergaderjaar"] = f"{m.group(1)}-{m.group(2)}"
        elif (dm := DOSSIER_LINE_RE.match(line)) and "dossier" not in f:
            f["dossier"] = dossier_key(dm.group(1) + dm.group(2), dm.group(3), dm.group(4))
            # the dossier title follows the number
            if i + 1 < n and not NR_LINE_RE.match(one_line(blocks[i + 1].text)):
                f["dossier_title"] = one_line(blocks[i + 1].text)
                i += 1
        elif (nm := NR_LINE_RE.match(line)):
            f["nr"] = nm.group(1)
        elif STUK_TITLE_RE.match(line) and line == line.upper() and len(line) > 5:
            f["stuk_title"] = line
        elif (am := ADDRESSEE_RE.match(line)):
            f["addressee"] = re.sub(r"^de\s+", "", am.group(1))
        elif (dl := DATE_LINE_RE.match(line)) and parse_dutch_date(dl.group(1)) and "date" not in f:
            f["date"] = parse_dutch_date(dl.group(1))
            bm = re.search(r"\bBetreft\s+(.+)$", line)
            if bm:
                f["betreft"] = bm.group(1)
        elif "\n" in raw and any(DATE_LINE_RE.match(one_line(l)) or BETREFT_RE.match(one_line(l)) for l in raw.split("\n")):
            for l in raw.split("\n"):
                l = one_line(l)
                if (dl := DATE_LINE_RE.match(l)) and parse_dutch_date(dl.group(1)) and "date" not in f:
                    f["date"] = parse_dutch_date(dl.group(1))
                elif (bm := BETREFT_RE.match(l)):
                    f["betreft"] = bm.group(1).strip()
        elif (bm := BETREFT_RE.match(line)):
            f["betreft"] = bm.group(1).strip()
        elif f.get("letterhead") and all(len(one_line(l)) < 60 and not one_line(l).endswith(".")
                                         for l in raw.split("\n") if l.strip()):
            pass  # address lines, department names, references of a departmental letter-head
        elif re.match(r"^(?:>\s*)?Retouradres\b", line, re.I):
            f["letterhead"] = True
        else:
            hit = False
        if not hit:
            break
        header_lines.append(line)
        i += 1
        consumed_upto = i
    # a departmental letter-head is only trusted when it ends at a Datum/Betreft line
    if f.get("letterhead") and "date" not in f and "betreft" not in f:
        return {}, blocks
    f.pop("letterhead", None)
    if header_lines:
        f["header_lines"] = header_lines
    return f, blocks[consumed_upto:]


def analyse_closing(blocks: list[Block]) -> dict[str, Any]:
    """'De Minister van ...,' followed by a name, in the last blocks."""
    lines: list[str] = []
    for b in blocks[-6:]:
        lines += [one_line(MARK_RE.sub("", l)) for l in b.text.split("\n") if l.strip()]
    for j in range(len(lines) - 1, -1, -1):
        m = CLOSING_RE.match(lines[j])
        if m:
            out = {"function": lines[j].rstrip(", ")}
            if j + 1 < len(lines) and len(lines[j + 1]) < 60:
                out["signatory"] = lines[j + 1].strip()
            return out
    return {}


# ------------------------------------------------------------------ assembly

def assemble(blocks: list[Block], footnote_texts: dict[str, str]) -> tuple[str, list[Paragraph], list[Footnote]]:
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    footnotes: list[Footnote] = []
    offset = 0
    seen: set[str] = set()
    for b in blocks:
        raw = b.text.strip("\n ")
        if not MARK_RE.sub("", raw).strip():
            continue
        if parts:
            offset += 2
        pieces: list[str] = []
        cur = offset
        pos = 0
        for m in MARK_RE.finditer(raw):
            seg = raw[pos:m.start()]
            pieces.append(seg)
            cur += len(seg)
            mark = m.group(1).strip()
            footnotes.append(Footnote(mark=mark, text=footnote_texts.get(mark, ""), position=cur))
            seen.add(mark)
            pos = m.end()
        pieces.append(raw[pos:])
        text = "".join(pieces)
        # a mark preceded by a space ("woord ¹") is anchored at the word end
        parts.append(text)
        paragraphs.append(Paragraph(start=offset, end=offset + len(text), kind=b.kind))
        offset += len(text)
    full = "\n\n".join(parts)
    for fn in footnotes:
        p = fn.position
        while p and p > 0 and full[p - 1] == " ":
            p -= 1
        fn.position = p
    # footnote texts without a mark in the body are kept (position None)
    for mark, t in footnote_texts.items():
        if mark not in seen:
            footnotes.append(Footnote(mark=mark, text=t, position=None))
    return full, paragraphs, footnotes


def text_id(text: str) -> str:
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return "doc-" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def infer_kind(stuk_title: str, text: str, fields: dict[str, Any]) -> str:
    t = (stuk_title or "").upper()
    if "MOTIE" in t:
        return "motion"
    if "BRIEF" in t:
        return "letter"
    if "ADVIES" in t or "VOORLICHTING" in t:
        return "advice"
    if t:
        return "other"
    head = text[:600]
    if re.match(r"^\s*De Kamer,\s*\n", text) and "gaat over tot de orde van de dag" in text:
        return "motion"
    if fields.get("addressee") or fields.get("closing") or re.search(r"\b[Uu]w Kamer\b", text) \
            or re.search(r"\bHierbij (?:bericht|informeer|stuur|zend) ik u\b", head):
        return "letter"
    return "other"


def build_document(parsed: Parsed, fmt: str, origin: str, raw: bytes, warnings: list[str]) -> Document:
    """Header analysis, closing analysis, assembly and field defaults, shared by every format."""
    fields = dict(parsed.fields)
    blocks = parsed.blocks
    if not fields.get("structured"):
        hdr, blocks = analyse_header(blocks)
        for k, v in hdr.items():
            fields.setdefault(k, v)
    if not fields.get("date"):
        fields["date"] = fields.get("datum_iso") or (
            parse_dutch_date(fields["datum_text"]) if fields.get("datum_text") else None)
    closing = analyse_closing(blocks)
    if closing:
        fields.setdefault("closing", closing["function"])
        if closing.get("signatory"):
            fields.setdefault("signatory", closing["signatory"])
    text, paragraphs, footnotes = assemble(blocks, parsed.footnotes)
    if not text.strip():
        raise ParseError(f"no body text found in the {fmt} input")

    stuk_title = fields.get("stuk_title", "")
    kind = fields.get("kind") or infer_kind(stuk_title, text, fields)
    dossier = fields.get("dossier")
    doc_id = fields.get("id")
    if not doc_id and dossier and fields.get("nr"):
        doc_id = canonical_kst(dossier, fields["nr"])
    if not doc_id:
        doc_id = text_id(text)

    sender = fields.get("sender") or sender_from(fields.get("closing", "")) or sender_from(stuk_title)
    ministry = fields.get("ministry") or (ministry_code(sender) if sender else None)
    if not ministry and kind in ("letter", "news"):
        ministry = ministry_code(text[:3000])

    title = fields.get("title") or fields.get("betreft") or ""
    if not title and (fields.get("dossier_title") or stuk_title):
        title = "; ".join(x for x in (fields.get("dossier_title"), sentence_title(stuk_title)) if x)

    date = fields.get("date")
    vj = fields.get("vergaderjaar")
    if vj:
        vj = vj.replace("–", "-").replace("/", "-")
    elif date and kind in ("letter", "motion", "advice"):
        vj = vergaderjaar_for(date)
        if vj:
            parsed.meta.setdefault("derived", []).append("vergaderjaar")

    meta = dict(parsed.meta)
    if warnings:
        meta["warnings"] = list(warnings) + list(meta.get("warnings", []))
    for k in ("header_lines", "dossier_title", "stuk_title", "closing", "betreft"):
        if fields.get(k):
            meta.setdefault(k, fields[k])
    return Document(
        id=doc_id, kind=kind, title=title, date=date, vergaderjaar=vj, dossier=dossier,
        sender=sender, ministry=ministry, addressee=fields.get("addressee"),
        signatory=fields.get("signatory"), text=text, paragraphs=paragraphs, footnotes=footnotes,
        sources=[Source(format=fmt, origin=origin, content_hash=hashlib.sha256(raw).hexdigest())],
        meta=meta)
