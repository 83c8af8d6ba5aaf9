"""officielebekendmakingen Kamerstuk XML (``<officiele-publicatie>`` / ``<kamerstuk>``, op-xsd-2014-05-15).

Parsed with lxml without entity resolution, DTD loading, network access or huge-tree support (no billion
laughs, no XXE); a document that declares entities is refused outright.

Both flavours are read: the "repository" one whose ``<metadata>`` only points at ``metadata.xml`` and the one
that embeds ``DC.identifier``, ``OVERHEIDop.dossiernummer``, ``OVERHEIDop.documenttitel`` ….
"""
from __future__ import annotations

import re
from typing import Any, Optional

from lxml import etree

from .common import MARK_CLOSE, MARK_OPEN, Block, ParseError, Parsed, check_not_binary, dossier_key, one_line

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                          dtd_validation=False, remove_comments=True, remove_pis=True, recover=False)
_ENTITY_DECL_RE = re.compile(rb"<!ENTITY", re.I)
_ROOTS = ("officiele-publicatie", "kamerstuk", "kamerwrk", "handelingen", "kamervragen")
_CONTAINER = {"algemeen", "vrije-tekst", "tekst", "al-groep", "divisie", "kamerstuk", "stuk", "voorstel-wet",
              "wettekst", "artikel", "lid", "wijziging", "amendement", "amendement-lid", "toelichting",
              "considerans", "aanhef", "wijzig-lid", "wijzig-divisie", "wijzig-artikel", "bijlage",
              "voorstel-sluiting", "slotformulering", "vraag", "antwoord", "officiele-inhoudsopgave"}
_SKIP = {"kamerstukkop", "dossier", "stuknr", "datumtekst", "metadata", "noot", "meta"}
_HEADINGS = {"tussenkop", "kop", "titel", "nr"}


def _inline(el: etree._Element, footnotes: dict[str, str], extrefs: list[dict]) -> str:
    parts: list[str] = [el.text or ""]
    for ch in el:
        tag = ch.tag if isinstance(ch.tag, str) else ""
        if tag == "noot":
            nr = one_line("".join(ch.findtext("noot.nr") or "")) or str(len(footnotes) + 1)
            body = " ".join(_inline(a, {}, extrefs) for a in ch.iter("noot.al"))
            footnotes[nr] = one_line(body)
            parts.append(MARK_OPEN + nr + MARK_CLOSE)
        elif tag == "extref":
            t = one_line("".join(ch.itertext()))
            extrefs.append({"doc": ch.get("doc", ""), "soort": ch.get("soort", ""), "text": t})
            parts.append(_inline(ch, footnotes, extrefs))
        elif tag in ("li.nr",):
            parts.append(one_line("".join(ch.itertext())) + " ")
        elif tag:
            parts.append(_inline(ch, footnotes, extrefs))
        parts.append(ch.tail or "")
    return "".join(parts)


def _clean(s: str) -> str:
    return re.sub(r"[ \t\r\n\u00a0]+", " ", s).strip()


def _walk(el: etree._Element, blocks: list[Block], footnotes: dict[str, str], extrefs: list[dict],
          closing: dict[str, str]) -> None:
    for ch in el:
        tag = ch.tag if isinstance(ch.tag, str) else ""
        if not tag or tag in _SKIP or (tag == "titel" and el.tag in ("stuk", "dossier")):
            continue
        if tag == "al":
            t = _clean(_inline(ch, footnotes, extrefs))
            if t:
                blocks.append(Block(t, "para"))
        elif tag in _HEADINGS:
            t = _clean(_inline(ch, footnotes, extrefs))
            if t:
                blocks.append(Block(t, "heading"))
        elif tag == "lijst":
            for li in ch.iter("li"):
                nr = one_line(li.findtext("li.nr") or "")
                texts = [_clean(_inline(a, footnotes, extrefs)) for a in li if a.tag == "al"]
                t = " ".join(x for x in texts if x)
                if t:
                    blocks.append(Block((nr + " " + t).strip() if nr and nr not in "•-–" else
                                        ("• " + t if nr else t), "list"))
        elif tag == "tekst-sluiting" or tag == "ondertekening":
            node = ch if tag == "ondertekening" else ch.find(".//ondertekening")
            if node is None:
                _walk(ch, blocks, footnotes, extrefs, closing)
                continue
            func = one_line(node.findtext("functie") or "")
            naam_el = node.find("naam")
            naam = one_line(" ".join(naam_el.itertext())) if naam_el is not None else ""
            if not func and not naam:
                naam = one_line(" ".join(node.itertext()))
            closing.update({"function": func, "name": naam})
            t = "\n".join(x for x in (func, naam) if x)
            if t:
                blocks.append(Block(t, "para"))
        elif tag == "spreekbeurt":
            first = len(blocks)
            _walk(ch, blocks, footnotes, extrefs, closing)
            role = speaker_role(ch.find("spreker"))
            for b in blocks[first:]:
                if b.kind == "para":
                    b.kind = "speech-" + role
        elif tag in ("table", "tabel"):
            for row in ch.iter("row"):
                cells = [one_line(" ".join(e.itertext())) for e in row if isinstance(e.tag, str)]
                if any(cells):
                    blocks.append(Block(" | ".join(cells), "para"))
        else:
            _walk(ch, blocks, footnotes, extrefs, closing)


_GOV_TITLE = re.compile(r"^\s*(?:minister|staatssecretaris|minister-president|vicepremier)\b", re.I)


def speaker_role(spreker: Optional[etree._Element]) -> str:
    """Who speaks in a Handelingen turn: `government` (a minister or staatssecretaris), `chair` (de voorzitter) or
    `member`; `unknown` when the XML names no speaker."""
    if spreker is None:
        return "unknown"
    name = " ".join(" ".join(spreker.itertext()).split())
    if spreker.find("politiek") is not None:
        return "member"
    if _GOV_TITLE.match(name) or _GOV_TITLE.match(" ".join((spreker.findtext("functie") or "").split())):
        return "government"
    if "voorzitter" in name.lower():
        return "chair"
    return "member" if name else "unknown"


def _metadata(root: etree._Element) -> dict[str, Any]:
    md: dict[str, Any] = {}
    for m in root.iter("meta", "metadata"):
        name, content = m.get("name"), m.get("content")
        if not name or content is None:
            continue
        if name in md:
            if not isinstance(md[name], list):
                md[name] = [md[name]]
            md[name].append(content)
        else:
            md[name] = content
    return md


def _short(msg: str, limit: int = 200) -> str:
    """lxml quotes the offending input in its message (a 300 KB tag name gives a 300 KB message): cut it."""
    msg = " ".join((msg or "").split())
    return msg if len(msg) <= limit else msg[:limit] + "…"


def parse_bytes(data: bytes) -> Parsed:
    check_not_binary(data)
    # a byte-order mark or blank lines before the XML declaration (seen in stored Handelingen XML) are not content
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n") if data[:1] in (b"\xef", b" ", b"\t", b"\r", b"\n") else data
    if _ENTITY_DECL_RE.search(data[:65536]):
        raise ParseError("XML declares entities (<!ENTITY>): refused (entity expansion / XXE risk)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed XML: {_short(exc.msg)}") from None
    except ValueError as exc:
        raise ParseError(f"malformed XML: {_short(str(exc))}") from None
    tag = root.tag if isinstance(root.tag, str) else ""
    tag = tag.split("}")[-1]
    if tag not in _ROOTS:
        raise ParseError(f"not a Kamerstuk XML: root element <{tag}> (expected <officiele-publicatie>)")
    ks = root if tag == "kamerstuk" else root.find(".//kamerstuk")
    md_el = root.find("metadata")
    md = _metadata(md_el) if md_el is not None else {}
    if ks is None:
        return _other_publication(root, tag, md)
    fields: dict[str, Any] = {}
    for tr in ks.iter("tekstregel"):
        if tr.get("inhoud") == "vergaderjaar":
            m = re.search(r"(\d{4})\s*[-–/]\s*(\d{4})", "".join(tr.itertext()))
            if m:
                fields["vergaderjaar"] = f"{m.group(1)}-{m.group(2)}"
    dn = ks.find("dossier/dossiernummer")
    if dn is not None:
        num = one_line(dn.findtext("dossiernr") or "")
        suffixes = [one_line("".join(c.itertext())) for c in dn if isinstance(c.tag, str) and c.tag != "dossiernr"]
        if num:
            fields["dossier"] = dossier_key(num, *(suffixes[:2] + [None] * (2 - len(suffixes[:2]))))
    dt = ks.findtext("dossier/titel")
    if dt:
        fields["dossier_title"] = one_line(dt)
    stuk = ks.find("stuk")
    if stuk is None:
        raise ParseError("Kamerstuk XML without a <stuk> element")
    ond = stuk.find("stuknr/ondernummer")
    if ond is not None and one_line("".join(ond.itertext())):
        fields["nr"] = one_line("".join(ond.itertext()))
    st = stuk.find("titel")
    if st is not None:
        fields["stuk_title"] = one_line("".join(st.itertext()))
    d = stuk.find("datumtekst/datum")
    if d is not None and d.get("isodatum"):
        fields["datum_iso"] = d.get("isodatum")

    ident = md.get("DC.identifier")
    if isinstance(ident, list):
        ident = ident[0]
    if ident and ident.startswith("kst-"):
        fields["id"] = ident
    elif isinstance(md.get("OVERHEIDop.externMetadataRecord"), str):
        m = re.search(r"/(kst-[\w-]+)/metadata\.xml", md["OVERHEIDop.externMetadataRecord"])
        if m:
            fields["ident_from_metadata_url"] = m.group(1)
    if md.get("OVERHEIDop.documenttitel"):
        fields["title"] = one_line(md["OVERHEIDop.documenttitel"])
    if md.get("OVERHEIDop.dossiernummer") and "dossier" not in fields:
        fields["dossier"] = md["OVERHEIDop.dossiernummer"]

    blocks: list[Block] = []
    footnotes: dict[str, str] = {}
    extrefs: list[dict] = []
    closing: dict[str, str] = {}
    _walk(stuk, blocks, footnotes, extrefs, closing)
    if closing.get("function"):
        fields["closing"] = closing["function"].rstrip(", ")
    if closing.get("name"):
        fields["signatory"] = closing["name"]
    meta: dict[str, Any] = {"metadata": md, "extrefs": extrefs}
    if fields.get("ident_from_metadata_url"):
        meta["metadata_record_id"] = fields.pop("ident_from_metadata_url")
    return Parsed(blocks=blocks, footnotes=footnotes, meta=meta, fields=fields)


def _other_publication(root, tag: str, md: dict) -> Parsed:
    """A Staatsblad, Staatscourant, Gemeenteblad … publication: its text and the id of its metadata record."""
    body = next((c for c in root if isinstance(c.tag, str) and c.tag not in ("metadata", "kop")), None)
    if body is None:
        raise ParseError(f"XML <{tag}> has no <kamerstuk> and no publication body")
    blocks: list[Block] = []
    footnotes: dict[str, str] = {}
    extrefs: list[dict] = []
    _walk(body, blocks, footnotes, extrefs, {})
    if not blocks:
        raise ParseError(f"XML <{tag}>/<{body.tag}> without text")
    fields: dict[str, Any] = {"kind": "other", "structured": True}
    rec = md.get("OVERHEIDop.externMetadataRecord")
    m = re.search(r"/([a-z]+-[\w-]+)/metadata\.xml", rec) if isinstance(rec, str) else None
    if m:
        fields["id"] = m.group(1)
    title = body.find("kop/titel")
    if title is not None and one_line("".join(title.itertext())):
        fields["title"] = one_line("".join(title.itertext()))
    return Parsed(blocks=blocks, footnotes=footnotes, meta={"metadata": md, "extrefs": extrefs}, fields=fields)


def is_kst_xml(head: bytes) -> bool:
    h = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(re.search(rb"<(?:officiele-publicatie|kamerstuk)[\s>]", h))
