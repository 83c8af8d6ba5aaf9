"""HTML of a Kamerstuk on zoek.officielebekendmakingen.nl (``kst-….html``).

No complete real page was available to copy (see tests/fixtures/parse/README.md). The parser follows the
page structure documented by real fragments quoted in openkamer/openkamer (``openkamer/kamerstuk.py``,
``openkamer/kamervraag.py``, ``openkamer/tests.py``):

* ``<meta name="dcterms.identifier" content="kst-…">`` (and other ``DC.*``/``dcterms.*``/``OVERHEID*`` metas)
  in the head;
* the text in ``<div class="stuk">``; titles in ``h1/h2 class="stuktitel"`` (also ``dossiertitel``,
  ``stuknummer``, ``kamerstukdatum`` where present);
* footnote marks ``<a class="nootnum supernote-click-ID…" href="#ID…">1</a>`` (inside ``<sup>``) in the body;
* footnotes in ``<div id="noten">`` as ``<div class="voet noot …">`` holding ``<span class="nootnum">1</span>``
  and ``<p>`` text.

Real pages (tests/fixtures/real_pages) add: the repository's html manifestation is XHTML opening with an XML
declaration (stripped before lxml, which refuses it in a str); the older web page wraps everything in
``<form id="mainForm">`` (kept); the modern page opens with a metadata table (``ob_meta``).

It is tolerant: without ``div.stuk`` it reads ``#broodtekst``, ``<article>``, ``<main>`` or ``<body>``, and the
kamerstuk heading lines (vergaderjaar, dossier, Nr., stuk titel, addressee, date) are then recognised from the
text like in plain text.
"""
from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from .ob_meta import meta_fields, read_metadata_table
from .common import MARK_CLOSE, MARK_OPEN, Block, ParseError, Parsed, dossier_key, one_line, DOSSIER_LINE_RE

_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "blockquote", "pre"}
_CONTAINERS = ("//div[contains(concat(' ', normalize-space(@class), ' '), ' stuk ')]",
               "//*[@id='broodtekst']", "//article", "//main", "//body")
# not "form": the older zoek.officielebekendmakingen.nl page wraps its whole content in <form id="mainForm">
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "button", "template", "input", "select",
              "textarea")
_XML_DECL = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")


def _cls(el) -> str:
    return " " + (el.get("class") or "") + " "


def _is_nootnum(el) -> bool:
    return el.tag in ("a", "span") and " nootnum " in _cls(el)


def _inline(el) -> str:
    parts = [el.text or ""]
    for ch in el:
        if not isinstance(ch.tag, str):
            parts.append(ch.tail or "")
            continue
        if _is_nootnum(ch):
            parts.append(MARK_OPEN + one_line(ch.text_content()) + MARK_CLOSE)
        elif ch.tag == "sup" and len(ch) == 1 and _is_nootnum(ch[0]):
            parts.append(MARK_OPEN + one_line(ch[0].text_content()) + MARK_CLOSE)
            parts.append(ch[0].tail or "")
        elif ch.tag == "br":
            parts.append("\n")
        else:
            parts.append(_inline(ch))
        parts.append(ch.tail or "")
    return "".join(parts)


def _clean(s: str) -> str:
    lines = [re.sub(r"[ \t\r\u00a0]+", " ", l).strip() for l in s.split("\n")]
    s = "\n".join(l for l in lines if l)
    return re.sub(r" +(" + MARK_OPEN + ")", r"\1", s)


def _has_block_child(el) -> bool:
    for d in el.iterdescendants():
        if isinstance(d.tag, str) and d.tag in _BLOCK_TAGS:
            return True
    return False


def parse_bytes(data: bytes, text: str) -> Parsed:
    # the repository's html manifestation is XHTML with an XML declaration, which lxml refuses in a str
    text = _XML_DECL.sub("", text, count=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"malformed HTML: {exc}") from None
    meta: dict[str, Any] = {}
    for m in doc.iter("meta"):
        name, content = m.get("name"), m.get("content")
        if name and content is not None and re.match(r"(?i)^(dc|dcterms|overheid)", name):
            if name in meta:
                meta[name] = meta[name] if isinstance(meta[name], list) else [meta[name]]
                meta[name].append(content)
            else:
                meta[name] = content
    for bad in doc.xpath("|".join("//" + t for t in _DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()

    # footnotes
    footnotes: dict[str, str] = {}
    note_divs = doc.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' noot ')]")
    for nd in note_divs:
        numel = nd.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' nootnum ')]")
        mark = one_line(numel[0].text_content()) if numel else str(len(footnotes) + 1)
        ps = nd.xpath(".//p")
        t = " ".join(one_line(p.text_content()) for p in ps) if ps else ""
        footnotes[mark] = t
    for nd in doc.xpath("//*[@id='noten']") + note_divs:
        if nd.getparent() is not None:
            nd.drop_tree()

    table = read_metadata_table(doc)
    container = None
    for xp in _CONTAINERS:
        r = doc.xpath(xp)
        if r:
            container = r[0]
            break
    if container is None:
        raise ParseError("HTML without a body")
    fields: dict[str, Any] = {k: v for k, v in table.items() if k != "ob_table"}
    # heading elements may sit before div.stuk: look in the whole document
    for h in doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' dossiertitel ')]"):
        t = one_line(h.text_content())
        num = h.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' dossiernummer ')]")
        if num:
            n = one_line(num[0].text_content())
            dm = DOSSIER_LINE_RE.match(n)
            if dm:
                fields["dossier"] = dossier_key(dm.group(1) + dm.group(2), dm.group(3), dm.group(4))
            t = one_line(t.replace(n, "", 1))
        if t:
            fields["dossier_title"] = t
        if h.getparent() is not None and h is not container:
            h.drop_tree()
    for h in doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' stuktitel ')]")[:1]:
        if h.tag not in ("h1", "h2"):
            continue
        nr = h.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' stuknummer ')]")
        t = one_line(h.text_content())
        if nr:
            n = one_line(nr[0].text_content())
            m = re.search(r"(\d+)", n)
            if m:
                fields["nr"] = m.group(1)
            t = one_line(t.replace(n, "", 1))
        else:
            m = re.match(r"^Nr\.\s*(\d+)\s+(.*)$", t)
            if m:
                fields["nr"], t = m.group(1), m.group(2)
        if t:
            fields["stuk_title"] = t
        if h.getparent() is not None:
            h.drop_tree()
    for p in doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' kamerstukdatum ')]"):
        fields["datum_text"] = one_line(p.text_content())
        if p.getparent() is not None:
            p.drop_tree()

    blocks: list[Block] = []
    for el in container.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        if _has_block_child(el):
            continue
        t = _clean(_inline(el))
        if not t.replace(MARK_OPEN, "").replace(MARK_CLOSE, "").strip():
            continue
        kind = "heading" if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") else \
            "list" if el.tag in ("li", "dt", "dd") else "quote" if el.tag == "blockquote" else "para"
        if " ondertekening " in _cls(el):
            t = "\n".join(x for x in (one_line(s.text_content()) for s in el if isinstance(s.tag, str)) if x) or t
        blocks.append(Block(t, kind))
    if not blocks:
        raise ParseError("HTML page without text paragraphs")
    for k, v in meta_fields(meta).items():
        fields.setdefault(k, v)
    out_meta: dict[str, Any] = {"metadata": meta} if meta else {}
    if table:
        out_meta["ob_table"] = table["ob_table"]
    return Parsed(blocks=blocks, footnotes=footnotes, meta=out_meta, fields=fields)


def is_html(text_head: str) -> bool:
    return bool(re.search(r"<(?:!doctype\s+html|html[\s>]|body[\s>]|div[\s>])", text_head[:4096], re.I))
