"""Sentence splitting and lemmas for Dutch parliamentary text.

`split_sentences` is a compiled-regex splitter (cheap: no tokenisation), validated against the spaCy
blank("nl") + sentencizer pipeline returned by `get_nlp()` (tests/test_sentences.py). Both share the same
fixes for the known pitfalls of blank("nl"):

- tokenizer exceptions such as "u." (the pronoun), "al.", "best.", "dat.", "ver." keep a sentence end
  glued to the next sentence ("… informeer ik u. Het …"): exceptions whose stem is an ordinary Dutch
  word are removed; real abbreviations ("o.a.", "bijv.", "nr.", "jl.", "d.d.", "c.s.", "e.a.") stay;
- footnote marks glued to a word ("Molen¹", "aangeboden.1") do not end or start a sentence;
- "nr.21" is one token and no sentence end;
- PDF text: a single newline is a wrapped line (whitespace), a blank line ends a block.

No I/O: the spaCy pipeline is built once, lazily, and cached at module level.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

__all__ = ["split_sentences", "get_nlp", "lemma", "ABBREVIATIONS"]

# Abbreviations after which a period does NOT end a sentence (lower-case, without the final period).
ABBREVIATIONS = frozenset("""
a.d a.g.v a.h.w a.i a.j.b a.s aanw afd afl alg art artt bijl bijv blz bv c.a c.q c.s ca cf d.d d.i d.m.v d.w.z
dhr dr drs e.a e.d e.e.a e.g e.v enz etc evt excl fig hfst i.c i.e i.h.a i.o i.p.v i.s.m i.t.t i.v.m i.z
incl ing ir jl jhr jr kamerst lid m.a.w m.b.t m.i.v m.m.v max mevr min mln mld mr mw n.a.v n.b n.v.t nl nr
nrs o.a o.b.v o.g.v o.i.d o.l.v o.m o.v.v p pag par plv prof resp s.v.p sr st stb stcrt t.a.v t.b.v t.g.v t.o.v
t.w t.z.t tel vgl vs vz w.o z.g.a.n z.s.m zgn zg
""".split())

_SUP = "¹²³⁴⁵⁶⁷⁸⁹⁰"
# candidate sentence end: terminal punctuation, optional closing quotes/brackets and a glued footnote mark,
# then whitespace and something that can start a sentence.
_END_RE = re.compile(
    r"(?P<punct>[.!?…]+)(?P<close>[\"'»”’)\]]*)(?P<note>(?:[0-9]{1,2}|[" + _SUP + r"]+)?)(?=\s+(?P<next>\S))"
)
_BLOCK_RE = re.compile(r"\n[ \t]*\n\s*")
_WORD_BEFORE_RE = re.compile(r"([\w.\-]+)$")
_CAN_START = re.compile(r"[A-ZÀ-ÖØ-Þ0-9\"'«“‘(\[•\-–—*]")
_INITIAL_RE = re.compile(r"^(?:[A-Z]\.)*[A-Z]$")
_LIST_ITEM_RE = re.compile(r"\n[ \t]*(?=(?:[•\-–—*]\s|\(?[0-9a-z]{1,2}[.)]\s+[A-Za-z]))")


def _is_abbrev(text: str, dot: int) -> bool:
    """True if the period at `text[dot]` belongs to an abbreviation (or an initial)."""
    m = _WORD_BEFORE_RE.search(text, max(0, dot - 30), dot)
    if not m:
        return False
    word = m.group(1)
    low = word.lower().strip(".")
    if low in ABBREVIATIONS:
        return True
    if _INITIAL_RE.match(word):          # "C. M. P. S. Eurlings", "J.A."
        return True
    if "." in word and len(low) <= 8 and re.fullmatch(r"(?:[a-z]{1,3}\.)+[a-z]{1,3}", low):
        return True                      # other dotted abbreviations: "t.a.v", "m.b.v"
    return False


def _split_block(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    pos = start
    for m in _END_RE.finditer(text, start, end):
        if m.end() >= end:
            break
        punct = m.group("punct")
        nxt = m.group("next")
        if punct == "." and not m.group("close") and not m.group("note") and _is_abbrev(text, m.start()):
            continue
        if not _CAN_START.match(nxt):
            continue
        _emit(text, pos, m.end(), out)
        pos = m.end()
    _emit(text, pos, end, out)


def _emit(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans `(start, end)` of the sentences of `text` (whitespace trimmed, in order).

    Blank lines and list items on a new line always end a sentence; a single newline is a wrapped line."""
    out: list[tuple[int, int]] = []
    if not text:
        return out
    bounds = [0]
    for m in _BLOCK_RE.finditer(text):
        bounds.append(m.start())
        bounds.append(m.end())
    for m in _LIST_ITEM_RE.finditer(text):
        bounds.append(m.start())
    bounds.append(len(text))
    bounds.sort()
    for i in range(len(bounds) - 1):
        s, e = bounds[i], bounds[i + 1]
        if e > s and not text[s:e].isspace():
            _split_block(text, s, e, out)
    return out


# ---------------------------------------------------------------- spaCy pipeline

_NLP = None

# tokenizer exceptions ending in "." whose stem is a Dutch word rather than an abbreviation; removed so that
# the period becomes its own token and the sentencizer can end the sentence there.
_WORDLIKE_EXCEPTIONS = frozenset("""
u. al. best. dat. ver. gen. get. gem. ged. bel. bet. kon. mon. int. ind. pas. los. lit. or. os. ov.
me. mil. not. oe. pan. pers. pol. prov. rec. red. reg. res. rev. soc. top. trans. trim. vol. vorst.
ex. ed. eff. eig. eil. err. fin. form. gesch. gew. hist. inst. jur. kr. mod. muz. pag. pan. pat. proc. prot.
publ. rom. sec. stat. subs. vern. vert. verv. verw. verz. ws. zr. os. ph. dl. ber. besl. betr.
geb. gebr. gr. nat. vred. verg. volg. voorl. zn. cap. cert. circ. coll. com. comm. concl. conf. cons. conv.
corr. cur. dec. decr. def. disp. div. doc. econ. elektr. gen. hand. herz. hoogl. int. kt. lat. mand. med.
norm. onz. orth. pens. pres. rapp. reg. regl. sch. trb. uitdr. univ. veldw. verd. verdr.
""".split())


def _wordlike(exc: str) -> bool:
    return exc.lower() in _WORDLIKE_EXCEPTIONS


def _register_components() -> None:
    from spacy.language import Language

    if "kst_footnote_sents" in Language.factories:
        return

    @Language.component("kst_footnote_sents")
    def footnote_sents(doc):
        """A footnote number glued to a sentence end ("aangeboden.1 In …") stays with its sentence."""
        for i in range(1, len(doc) - 1):
            t, prev = doc[i], doc[i - 1]
            if (t.is_sent_start and prev.text in ".!?" and t.idx == prev.idx + len(prev.text)
                    and t.is_digit and len(t.text) <= 2):
                t.is_sent_start = False
                doc[i + 1].is_sent_start = True
        return doc


def get_nlp():
    """The shared spaCy pipeline: blank("nl") with repaired tokenizer exceptions and a sentencizer."""
    global _NLP
    if _NLP is None:
        import spacy
        from spacy.util import compile_suffix_regex

        _register_components()
        nlp = spacy.blank("nl")
        rules = dict(nlp.tokenizer.rules)
        for key in list(rules):
            if key.endswith(".") and _wordlike(key):
                del rules[key]
        nlp.tokenizer.rules = rules
        # footnote marks glued to a word ("Molen¹") or after a sentence end ("aangeboden.1") are suffixes
        suffixes = list(nlp.Defaults.suffixes) + [r"[" + _SUP + r"]+", r"(?<=[a-z]{4}\.)[0-9]{1,2}"]
        nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("kst_footnote_sents")
        _NLP = nlp
    return _NLP


# ---------------------------------------------------------------- lemmas

_LEMMA_OVERRIDES = {
    "heeft": "hebben", "hebt": "hebben", "heb": "hebben", "had": "hebben", "hadden": "hebben",
    "is": "zijn", "ben": "zijn", "bent": "zijn", "was": "zijn", "waren": "zijn",
    "zal": "zullen", "zult": "zullen", "zullen": "zullen", "zou": "zullen", "zouden": "zullen",
    "brieven": "brief", "verzocht": "verzoeken", "verzoekt": "verzoeken", "toegezegd": "toezeggen",
    "zeg": "zeggen", "zegt": "zeggen", "informeer": "informeren", "informeert": "informeren",
    "geïnformeerd": "informeren", "gezonden": "zenden", "stuur": "sturen", "toekomen": "toekomen",
    "toezeggingen": "toezegging", "moties": "motie",
}


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """Dutch lemma of `word` (lower-case): fixed table for frequent forms spaCy's lookup misses,
    then simplemma."""
    low = word.lower()
    if low in _LEMMA_OVERRIDES:
        return _LEMMA_OVERRIDES[low]
    try:
        import simplemma
        return simplemma.lemmatize(low, lang="nl")
    except Exception:  # pragma: no cover - simplemma is a declared dependency
        return low


# Characters re.I matches to an ASCII letter whose str.lower() is not that letter (İ, ı, ſ). Elsewhere str.lower()
# keeps each character's length and \w-ness, so a case-sensitive twin of a re.I pattern (built for speed: sre's
# literal fast paths do not apply under re.I) finds the same matches at the same offsets in the lower-cased text.
_UNSAFE_FOLD = re.compile("[\u0130\u0131\u017f]")


def safe_lower(text: str) -> Optional[str]:
    """`text.lower()`, or None when the text holds İ, ı or ſ and the re.I patterns must run on the text itself."""
    if text.isascii() or not _UNSAFE_FOLD.search(text):
        return text.lower()
    return None
