"""Hostile and broken input for the parsers: `kamerstukken.parse.parse` returns a Document or raises ParseError,
never anything else, whatever the bytes (random, or real documents mutated), and quickly.

Seeds are the real bundled documents and the parse fixtures (XML, rendered PDFs, OB HTML, PDF text, markdown,
news, plain text, cp1252, mojibake). Mutations: truncation, byte flips, inserted random bytes / NUL bytes,
spliced and repeated slices, re-encoding, absurdly long lines. Targeted cases: billion laughs and external
entities, deep nesting, NUL bytes, a 50 MB PDF.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import fuzz_settings
from kamerstukken.models import Document
from kamerstukken.parse import FORMATS, ParseError, detect_format, parse

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "kamerstukken" / "data" / "documents"
PFIX = ROOT / "tests" / "fixtures" / "parse"
SEEDS = {p.name: p.read_bytes() for p in sorted(DOCS.iterdir()) + sorted(PFIX.iterdir())
         if p.is_file() and p.suffix != ".py" and p.name != "README.md"}
TEXT_SEEDS = {k: v for k, v in SEEDS.items() if not k.endswith((".pdf", ".gz"))}
PDF = (PFIX / "seed001_rendered.pdf").read_bytes()


def check(data: bytes, fmt=None, origin="fuzz") -> Document | None:
    """The property: a Document with consistent offsets, or ParseError; nothing else."""
    try:
        doc = parse(data, origin, fmt)
    except ParseError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg.strip() and len(msg) < 400, \
            f"unclear ParseError message ({len(msg)} chars): {msg[:300]!r}"
        return None
    assert isinstance(doc, Document) and isinstance(doc.text, str) and doc.id
    n = len(doc.text)
    for p in doc.paragraphs:
        assert 0 <= p.start <= p.end <= n, (p, n)
    for f in doc.footnotes:
        assert f.position is None or 0 <= f.position <= n, (f, n)
    return doc


# ------------------------------------------------------------------------------------------ mutations

@st.composite
def mutated(draw, seeds=SEEDS):
    name = draw(st.sampled_from(sorted(seeds)))
    data = bytearray(seeds[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "nul", "splice", "repeat", "delete",
                                   "reencode", "longline"]))
        n = len(data)
        i = draw(st.integers(0, max(0, n)))
        if op == "truncate":
            data = data[:i]
        elif op == "flip" and n:
            for _ in range(draw(st.integers(1, 16))):
                j = draw(st.integers(0, n - 1))
                data[j] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
        elif op == "nul":
            data[i:i] = b"\x00" * draw(st.integers(1, 200))
        elif op == "splice" and n:
            j = draw(st.integers(0, n))
            k = draw(st.integers(0, n))
            data[i:i] = data[min(j, k):max(j, k)]
        elif op == "repeat" and n:
            j = min(n, i + draw(st.integers(1, 200)))
            data[i:i] = data[i:j] * draw(st.integers(2, 50))
        elif op == "delete" and n:
            del data[i:i + draw(st.integers(1, 500))]
        elif op == "reencode":
            text = bytes(data).decode("utf-8", errors="replace")
            enc = draw(st.sampled_from(["utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig", "cp437"]))
            data = bytearray(text.encode(enc, errors="replace"))
        elif op == "longline":
            data[i:i] = b"x" * draw(st.integers(10_000, 300_000))
    return name, bytes(data)


@fuzz_settings(300)
@given(mutated())
def test_fuzz_parse_mutated_real_documents(case):
    name, data = case
    check(data, origin=name)


@fuzz_settings(150)
@given(mutated(), st.sampled_from(FORMATS))
def test_fuzz_parse_mutated_with_forced_format(case, fmt):
    """A caller that names the format (the scrapers do) gets the same guarantee for every parser."""
    _, data = case
    check(data, fmt)


MAGIC = [b"", b"%PDF-1.4\n", b"<?xml version='1.0'?>", b"<kamerstuk>", b"<html><body>", b"# ", b"\xef\xbb\xbf",
         b"\xff\xfe", b"\xfe\xff", b"<!DOCTYPE html>", b"Tweede Kamer der Staten-Generaal\n"]


@fuzz_settings(300)
@given(st.sampled_from(MAGIC), st.binary(max_size=4000), st.sampled_from(["", ".pdf", ".xml", ".html", ".md", ".txt"]))
def test_fuzz_parse_random_bytes_behind_magic(magic, body, suffix):
    check(magic + body + (b"\n%%EOF" if magic.startswith(b"%PDF") and body[:1] == b"x" else b""),
          origin="random" + suffix)


@fuzz_settings(200)
@given(st.text(max_size=3000), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_fuzz_parse_random_text(text, enc):
    check(text.encode(enc, errors="replace"))


# ------------------------------------------------------------------------------------------ targeted cases

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kamerstuk [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<kamerstuk><kamerstukkop><ondernummer>1</ondernummer></kamerstukkop><brief><al>&lol9;</al></brief></kamerstuk>
"""


@pytest.mark.parametrize("fmt", [None, "kst-xml", "ob-html"])
def test_billion_laughs_is_not_expanded(fmt):
    doc = check(BILLION_LAUGHS, fmt)
    if doc is not None:
        assert "lollollol" not in doc.text and len(doc.text) < 10_000


def test_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM-1234", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE kamerstuk [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<kamerstuk><brief><al>voor &x; na</al></brief></kamerstuk>').encode()
    for fmt in (None, "kst-xml", "ob-html"):
        doc = check(xxe, fmt)
        assert doc is None or "GEHEIM" not in doc.text


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("kind", ["xml", "html"])
def test_deeply_nested_markup(depth, kind):
    if kind == "xml":
        data = b"<?xml version='1.0'?><kamerstuk>" + b"<al>" * depth + b"diep" + b"</al>" * depth + b"</kamerstuk>"
    else:
        data = b"<html><body>" + b"<div>" * depth + b"diep" + b"</div>" * depth + b"</body></html>"
    check(data)


@pytest.mark.parametrize("name", ["000_08a2b23839bb489f.txt", "003_3b6b03eb9203325c.txt", "kst-28844-269.xml"])
def test_nul_bytes_everywhere(name):
    data = SEEDS[name]
    check(data.replace(b" ", b" \x00", 50))                 # sprinkled NULs
    check(b"\x00".join(data[i:i + 1] for i in range(len(data))))  # UTF-16-like: a NUL after every byte
    check(b"\x00" * 4096 + data)


def test_empty_and_whitespace_and_truncated():
    for data in (b"", b" ", b"\n\n\t", b"\xef\xbb\xbf", b"\xff\xfe"):
        assert check(data) is None                       # nothing to read: a ParseError, not an empty document
    for data in (b"%PDF-", b"<?xml", b"<kamerstuk>", b"<"):
        check(data)                                      # a bare marker: a document or a ParseError
    for name, data in SEEDS.items():
        for cut in (1, 7, len(data) // 3, len(data) // 2, len(data) - 1):
            check(data[:cut], origin=name)


def test_absurdly_long_line_is_fast():
    line = ("De minister zegt toe de Kamer voor de zomer van 2025 te informeren " * 30_000).encode()  # ~2 MB, no \n
    doc = check(line, None)
    assert doc is not None


def test_wrong_encodings_of_a_real_letter():
    text = SEEDS["000_08a2b23839bb489f.txt"].decode("utf-8")
    for enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp437", "mac-roman"):
        check(text.encode(enc, errors="replace"), origin=f"seed000.{enc}")
    # double and triple mojibake
    moji = text
    for _ in range(3):
        moji = moji.encode("utf-8").decode("cp1252", errors="replace")
        check(moji.encode("utf-8"))


# ------------------------------------------------------------------------------------------ 50 MB PDF

def make_big_pdf(path: Path, target_mb: int = 50, text_pages: int = 400) -> int:
    """A real PDF (the rendered seed 001) with its pages repeated `text_pages` times, padded to `target_mb`
    with an embedded (unreferenced-by-text) binary stream, as a scanned attachment would be."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject
    reader = PdfReader(io.BytesIO(PDF))
    writer = PdfWriter()
    for _ in range(max(1, text_pages // len(reader.pages))):
        for page in reader.pages:
            writer.add_page(page)
    blob = DecodedStreamObject()
    blob.set_data(os.urandom(target_mb * 1024 * 1024))
    blob[NameObject("/Type")] = NameObject("/XObject")
    writer._root_object[NameObject("/KsPadding")] = writer._add_object(blob)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path.stat().st_size


PARSE_IN_CHILD = r"""
import resource, sys, json
from kamerstukken.parse import parse, ParseError
data = open(sys.argv[1], "rb").read()
try:
    doc = parse(data, sys.argv[1]); out = {"ok": True, "chars": len(doc.text)}
except ParseError as exc:
    out = {"ok": False, "error": str(exc)}
out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _parse_big(path: Path) -> dict:
    import json
    res = subprocess.run([sys.executable, "-c", PARSE_IN_CHILD, str(path)], capture_output=True, text=True,
                         timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_50mb_pdf_parses_within_bounds(tmp_path):
    """50 MB on disk, 400 text pages: parsed in a child process, memory and time measured."""
    path = tmp_path / "big.pdf"
    size = make_big_pdf(path, 50, 400)
    assert size >= 50 * 1024 * 1024
    out = _parse_big(path)
    assert out["ok"], out
    assert out["chars"] > 100_000
    assert out["maxrss_mb"] < 1500, out


@pytest.mark.slow
def test_50mb_pdf_with_4000_text_pages_slow(tmp_path):
    """The long run (`pytest -m slow`): the same 50 MB with 4,000 text pages to extract."""
    path = tmp_path / "big4000.pdf"
    make_big_pdf(path, 50, 4000)
    out = _parse_big(path)
    assert out["ok"] and out["maxrss_mb"] < 3000, out


def test_detect_format_never_raises_on_random_prefixes():
    for data in (b"\x00" * 10, b"%PDF", b"<?xml\x00", bytes(range(256)), "é".encode("utf-16")):
        assert detect_format(data) in FORMATS
