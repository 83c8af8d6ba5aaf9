"""Inputs of the parse benchmark, per format. All text is real; where no real file of a format is available
offline, the file is made at run time from real text (and said so in the results):

- kst-xml : bench/data/kst/*.xml — 164 real motion XMLs and the real letter kst-28844-269 (officielebekendmakingen)
- ob-html : made from those same real XMLs: the parsed text of each, written into the page structure of
            zoek.officielebekendmakingen.nl that kamerstukken/parse/ob_html.py documents (dcterms metas,
            div.stuk, h1.stuktitel, footnote anchors a.nootnum, div#noten). No complete real page is stored.
- pdf     : real PDFs made with fpdf2 (installed in the venv) in Liberation Sans from real letter texts (the 80
            letter excerpts, seeds 000/003/004, kst-28844-269) and 40 real motions, one PDF per document
- pdf-text: seeds 001 and 004 — real text extracted from PDF (hyphenation, running headers, footnotes)
- markdown: seed 003 (real markdown converted from a PDF); text: seed 000
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Callable

from benchlib import CACHE, DATA, corpus_records

FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")


def kst_files() -> list[Path]:
    return sorted((DATA / "kst").glob("*.xml"))


def seed(prefix: str) -> list[Path]:
    return sorted((DATA / "seeds").glob(f"{prefix}_*.txt"))


def _html_page(doc) -> str:
    text = doc.text
    marks = sorted([(f.position, f.mark) for f in doc.footnotes if f.position is not None], reverse=True)
    # insert anchors from the end so earlier offsets stay valid; one <p> per paragraph (or per line)
    inserts: dict[int, list[str]] = {}
    for pos, mark in marks:
        inserts.setdefault(pos, []).append(mark)
    spans = [(p.start, p.end, p.kind) for p in doc.paragraphs] or [(0, len(text), "para")]
    body = []
    for s, e, kind in spans:
        out, last = [], s
        for pos in sorted(k for k in inserts if s <= k <= e):
            out.append(html.escape(text[last:pos]))
            for m in inserts[pos]:
                out.append(f'<sup><a class="nootnum supernote-click-ID{m}" href="#ID{m}">{html.escape(m)}</a></sup>')
            last = pos
        out.append(html.escape(text[last:e]))
        inner = "".join(out).replace("\n", "<br/>")
        tag = "h2" if kind == "heading" else "p"
        body.append(f'<{tag} class="{"kop" if tag == "h2" else "standaard"}">{inner}</{tag}>')
    notes = "".join(f'<div class="voet noot" id="ID{html.escape(f.mark)}"><span class="nootnum">{html.escape(f.mark)}'
                    f'</span><p>{html.escape(f.text)}</p></div>' for f in doc.footnotes)
    title = html.escape(doc.title or doc.id)
    return (f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="dcterms.identifier" content="{html.escape(doc.id)}">'
            f'<meta name="dcterms.title" content="{title}">'
            f'<meta name="dcterms.type" content="Kamerstuk">'
            f'<meta name="dcterms.date" content="{doc.date or ""}"></head>\n<body><div id="broodtekst">'
            f'<div class="stuk"><h1 class="stuktitel">{title}</h1>\n' + "\n".join(body) +
            f'</div><div id="noten">{notes}</div></div></body></html>\n')


def _cached(out_dir: Path, ext: str, n: int, make: Callable[[Path], dict]) -> tuple[list[Path], str]:
    """The generated input files under `out_dir`, made by `make(out_dir)` unless a run made all `n` already."""
    done = out_dir / "done.json"
    if done.exists() and json.loads(done.read_text()).get("n") == n:
        return sorted(out_dir.glob(f"*.{ext}")), "cached"
    out_dir.mkdir(parents=True, exist_ok=True)
    done.write_text(json.dumps({"n": n, **make(out_dir)}))
    return sorted(out_dir.glob(f"*.{ext}")), "made"


def html_files() -> tuple[list[Path], str]:
    files = kst_files()

    def make(out_dir: Path) -> dict:
        from kamerstukken.parse import parse
        for f in files:
            doc = parse(f.read_bytes(), str(f))
            (out_dir / (f.stem + ".html")).write_text(_html_page(doc), encoding="utf-8")
        return {}
    return _cached(CACHE / "html", "html", len(files), make)


def _font() -> tuple[str, str] | None:
    for d in FONT_DIRS:
        for name in ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"):
            p = Path(d) / name
            if p.exists():
                return str(p), name.split("-")[0].split(".")[0]
    return None


def pdf_texts() -> list[tuple[str, str]]:
    letters = corpus_records("letters")
    texts = [(r["id"], r["text"]) for r in letters if not r["id"].startswith("seed-001")]
    from kamerstukken.parse import parse
    f = DATA / "kst" / "kst-28844-269.xml"
    texts.append(("kst-28844-269", parse(f.read_bytes(), str(f)).text))
    motions = corpus_records("motions")
    motions = motions[:: max(1, len(motions) // 40)][:40]
    texts += [(r["id"], r["text"]) for r in motions]
    return texts


def pdf_files() -> tuple[list[Path], str]:
    texts = pdf_texts()

    def make(out_dir: Path) -> dict:
        from fpdf import FPDF
        font = _font()
        for i, (doc_id, text) in enumerate(texts):
            pdf = FPDF(format="A4")
            pdf.set_auto_page_break(True, margin=20)
            if font:
                pdf.add_font(font[1], "", font[0])
                pdf.set_font(font[1], size=10)
            else:
                pdf.set_font("Helvetica", size=10)
                text = text.encode("latin-1", "replace").decode("latin-1")
            pdf.add_page()
            for para in text.split("\n"):
                pdf.multi_cell(0, 5, para if para.strip() else " ", new_x="LMARGIN", new_y="NEXT")
            name = "".join(c if c.isalnum() or c in "-_" else "_" for c in doc_id)
            pdf.output(str(out_dir / f"{i:03d}_{name}.pdf"))
        return {"font": font[0] if font else "Helvetica (core)"}
    return _cached(CACHE / "pdf", "pdf", len(texts), make)


def parse_inputs() -> dict[str, dict]:
    """format → {files, origin}"""
    out: dict[str, dict] = {"kst-xml": {"files": kst_files(), "origin": "real XML (bench/data/kst)"}}
    try:
        files, _ = html_files()
        out["ob-html"] = {"files": files, "origin": "real text of the kst XMLs in ob-html page markup (generated)"}
    except Exception as exc:
        out["ob-html"] = {"files": [], "origin": f"not made: {type(exc).__name__}: {exc}"}
    try:
        files, _ = pdf_files()
        out["pdf"] = {"files": files, "origin": "PDFs made with fpdf2 from real letter and motion texts"}
    except Exception as exc:
        out["pdf"] = {"files": [], "origin": f"not made: {type(exc).__name__}: {exc}"}
    out["pdf-text"] = {"files": seed("001") + seed("004"), "origin": "real PDF text (seeds 001, 004)"}
    out["markdown"] = {"files": seed("003"), "origin": "real markdown from PDF (seed 003)"}
    out["text"] = {"files": seed("000"), "origin": "real letter text (seed 000)"}
    return out
