"""Datasette plugin of the kamerstukken UI (loaded by `kamerstukken serve` through --plugins-dir).

- render_cell: a cell whose whole value is an official publication id (kst-35300-VII-20, h-tk-20192020-45-7,
  ah-tk-20192020-2345, stb-2024-12, ...) becomes a link to https://zoek.officielebekendmakingen.nl/<id>.html;
  a JSON list of such ids (statements.points_to) becomes a list of links. A cell of a column named
  `highlight` shows the span between ⟦ and ⟧ as <mark> (escaped text otherwise).
- prepare_connection: SQL functions for the canned queries:
    mark_span(text, start, end)        -> the sentence(s) of `text` around [start, end) with the span in ⟦…⟧
    kst_url(id)                        -> the officielebekendmakingen URL of an id, or NULL
- handle_exception: an FTS5 syntax error ("fts5: syntax error near ...") is answered with a plain message
  telling how to search, instead of a bare SQLite error.

Plain functions (`publication_url`, `mark_span`, `render_highlight`) are importable and tested without a server.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from html import escape

from datasette import hookimpl
from markupsafe import Markup

OB_URL = "https://zoek.officielebekendmakingen.nl/{}.html"
# Ids of zoek.officielebekendmakingen.nl: Kamerstukken, Handelingen (TK/EK), Aanhangsel, Staatsblad, Staatscourant,
# Tractatenblad, Bijlagen. Canonical forms as written by kamerstukken.nlp.references.
_PUB_ID_RE = re.compile(
    r"(?:kst-\d{5}(?:-[A-Za-z0-9]{1,6})?-(?:\d{1,5}|[A-Z]{1,3})"
    r"|h-(?:tk|ek)-\d{8}-\d{1,4}(?:-\d{1,4})?"
    r"|ah-(?:tk|ek)-\d{8}-\d{1,5}"
    r"|(?:stb|stcrt|trb)-\d{4}-\d{1,6}"
    r"|blg-\d{1,7})"
)
OPEN, CLOSE = "⟦", "⟧"
_CONTEXT = 300  # characters of context kept at most on each side when no sentence bound is found


def publication_url(value) -> str | None:
    """The zoek.officielebekendmakingen.nl URL of an official publication id, else None."""
    if isinstance(value, str) and _PUB_ID_RE.fullmatch(value.strip()):
        return OB_URL.format(value.strip())
    return None


def _link(pid: str) -> str:
    return f'<a class="ob-link" href="{escape(OB_URL.format(pid))}" rel="noopener">{escape(pid)}</a>'


# --------------------------------------------------------------------------- sentence around a span

try:  # the project's splitter (regex only; importing it does not load spaCy)
    from kamerstukken.nlp.sentences import split_sentences as _split
except Exception:  # pragma: no cover - the UI still works with plain windows
    _split = None


@lru_cache(maxsize=16)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_split(text)) if _split else ()


def mark_span(text, start, end) -> str | None:
    """The sentence(s) of `text` that hold [start, end), with the span wrapped in ⟦ ⟧.

    Offsets are character offsets into `text` (Python and SQLite count the same code points). Returns None when
    the offsets do not fit the text (e.g. -1 for an unknown position)."""
    if text is None or start is None or end is None:
        return None
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        return None
    if s < 0 or e < s or e > len(text):
        return None
    if e == s:  # a footnote mark's anchor: mark the word it is glued to
        m = re.search(r"[^\s(\[]+$", text[max(0, s - 80):s])
        if m:
            s -= len(m.group(0))
    lo, hi = None, None
    for a, b in _sentences(text):
        if b <= s and not (a == b == s):
            continue
        if a >= e and e > s:
            break
        lo = a if lo is None else lo
        hi = b
    if lo is None or lo > s:
        lo = max(0, s - _CONTEXT)
    if hi is None or hi < e:
        hi = min(len(text), e + _CONTEXT)
    if s - lo > _CONTEXT:
        lo = s - _CONTEXT
    if hi - e > _CONTEXT:
        hi = e + _CONTEXT
    before = ("…" if lo > 0 and text[lo - 1] not in "\n" and lo == s - _CONTEXT else "") + text[lo:s]
    after = text[e:hi] + ("…" if hi < len(text) and hi == e + _CONTEXT else "")
    out = before + OPEN + text[s:e] + CLOSE + after
    return re.sub(r"\s*\n\s*", " ", out).strip()


def render_highlight(value: str) -> str:
    """HTML of a mark_span() result: text escaped, ⟦span⟧ as <mark>."""
    parts = re.split(f"({OPEN}|{CLOSE})", value)
    html, depth = [], 0
    for p in parts:
        if p == OPEN:
            html.append("<mark>")
            depth += 1
        elif p == CLOSE and depth:
            html.append("</mark>")
            depth -= 1
        else:
            html.append(escape(p))
    html.extend("</mark>" for _ in range(depth))
    return "".join(html)


# --------------------------------------------------------------------------- query helpers

_WORD_RE = re.compile(r"[\w][\w'’.\-]*\*?")


NOTHING = '""'  # an FTS5 query that is valid and matches nothing


def fts_words(q) -> str:
    """Free text as a safe FTS5 query: every word quoted (all must occur), a trailing * kept as prefix search.

    "Motie Van der Molen stikstof*" -> '"Motie" "Van" "der" "Molen" "stikstof"*'; '""' (nothing) without words."""
    if not q:
        return NOTHING
    out = []
    for w in _WORD_RE.findall(str(q)):
        star = w.endswith("*")
        w = w.rstrip("*").strip(".-'’")
        if w:
            out.append('"%s"%s' % (w.replace('"', '""'), "*" if star else ""))
    return " ".join(out) or NOTHING


_FTS_CHECK = None


def fts_query(q) -> str:
    """`q` itself when it is a valid FTS5 query (phrases, OR/NOT/NEAR, prefix*), else fts_words(q)."""
    global _FTS_CHECK
    if not q or not str(q).strip():
        return NOTHING
    import sqlite3
    if _FTS_CHECK is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute("create virtual table t using fts5(title, text)")
        _FTS_CHECK = conn
    try:
        _FTS_CHECK.execute("select 1 from t where t match ?", [str(q)]).fetchall()
        return str(q)
    except sqlite3.Error:
        return fts_words(q)


_BARE_KST_RE = re.compile(r"\s*(?:kst-?)?\s*(\d{5})[-\s]+(?:([A-Za-z0-9]{1,6})[-\s]+)?(?:nr\.?\s*)?(\d{1,5})\s*", re.I)


def motion_id(q) -> str | None:
    """A Kamerstuk id from what a person types: "kst-36200-VII-12", "36200-VII-12", "Kamerstuk 36 200 VII, nr. 12",
    "36200 VII nr 12" -> "kst-36200-VII-12". None if `q` names no Kamerstuk."""
    if not q:
        return None
    q = str(q).strip()
    m = _BARE_KST_RE.fullmatch(q)
    if m:
        d, t, n = m.groups()
        return "-".join(x for x in ("kst", d, t.upper() if t and not t.isdigit() else t, n) if x)
    try:
        from kamerstukken.nlp.references import find_references
    except Exception:  # pragma: no cover
        return None
    refs = [r.id for r in find_references(q) if r.id.startswith("kst-")]
    return refs[0] if refs else None


# --------------------------------------------------------------------------- hooks

@hookimpl
def prepare_connection(conn):
    conn.create_function("mark_span", 3, mark_span, deterministic=True)
    conn.create_function("kst_url", 1, publication_url, deterministic=True)
    conn.create_function("fts_words", 1, fts_words, deterministic=True)
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("motion_id", 1, motion_id, deterministic=True)


def shown_origin(value: str) -> str | None:
    """A local file path as the UI shows it: the last folder and the file name (no machine layout); URLs and
    relative paths as they are. None when `value` is shown unchanged."""
    v = value.strip()
    if v.startswith("/") or re.match(r"[A-Za-z]:[\\/]", v) or v.startswith("~"):
        parts = [x for x in re.split(r"[\\/]", v) if x]
        return "…/" + "/".join(parts[-2:])
    return None


@hookimpl
def render_cell(value, column):
    if not isinstance(value, str) or not value:
        return None
    if column in ("origin", "path"):
        shown = shown_origin(value)
        return Markup(escape(shown)) if shown else None
    if column == "highlight" and OPEN in value:
        return Markup(f'<span class="highlight">{render_highlight(value)}</span>')
    v = value.strip()
    if publication_url(v):
        return Markup(_link(v))
    if v.startswith("[") and v.endswith("]") and ("kst-" in v or "h-" in v):
        try:
            items = json.loads(v)
        except ValueError:
            return None
        if isinstance(items, list) and items and all(isinstance(i, str) for i in items):
            return Markup(", ".join(_link(i) if publication_url(i) else escape(i) for i in items))
    return None


_FTS_ERR_RE = re.compile(r"fts5|unterminated string|unknown special query|no such column|malformed MATCH", re.I)

FTS_HELP = ("Zoekopdracht niet begrepen / search query not understood: {q!r}. Type words (all must occur), a "
            "phrase in double quotes (\"stikstof wet\"), OR / NOT between words, or a word start with * "
            "(toezeg*). Unbalanced quotes or brackets and a lone operator cannot be searched.")


def _search_terms(request) -> str | None:
    for k in request.args:
        if k.startswith("_search"):
            return request.args.get(k)
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    """A bad full-text query (table ?_search=) -> 400 with a message that says how to search."""
    q = _search_terms(request)
    if q is None or not _FTS_ERR_RE.search(str(exception)):
        return _bad_parameter(request, exception)
    msg = FTS_HELP.format(q=q)
    detail = str(exception)

    async def inner():
        from datasette.utils.asgi import Response
        if request.path.endswith(".json"):
            return Response.json({"ok": False, "error": msg, "detail": detail, "status": 400,
                                  "title": "Search error"}, status=400)
        html = await datasette.render_template(
            "error.html", {"ok": False, "error": msg, "title": "Zoekfout / search error", "status": 400},
            request=request)
        return Response.html(html, status=400)

    return inner


_BAD_PARAM_RE = re.compile(r"Cannot sort table by|null character|Expecting value|Extra data|Unterminated string|"
                           r"Invalid control character|invalid literal|out of range|too large", re.I)


def _bad_parameter(request, exception):
    """Junk in a URL parameter (`?_sort=%00`, `?id__in=[`) made Datasette answer 500: it is the request that is
    wrong, so 400 with the message."""
    if not (_BAD_PARAM_RE.search(str(exception)) or isinstance(exception, (ValueError, OverflowError))):
        return None
    msg = " ".join(str(exception).split())[:200] or type(exception).__name__

    async def inner():
        from datasette.utils.asgi import Response
        return Response.json({"ok": False, "error": f"bad request: {msg}", "status": 400}, status=400)
    return inner


READ_METHODS = {"GET", "HEAD", "OPTIONS"}

# Debug endpoints that show local file paths, threads or internals: answered 404 (databases.json has the path
# of the file on this machine).
HIDDEN_ROUTES = re.compile(r"^/-/(databases|threads|permissions|allow-debug|messages|patterns|actor|auth-token)"
                           r"(\.json)?/?$")
DATE_PARAMS = ("peildatum",)
SEARCH_PARAMS = ("zoek", "q", "_search")
MAX_TERMS, MAX_PREFIX_TERMS, MAX_SEARCH_CHARS = 32, 4, 500


def check_params(path: str, query: str) -> str | None:
    """Why a request's parameters are refused (HTTP 400), or None. Dates must be YYYY-MM-DD; a full-text
    search has at most MAX_TERMS words, MAX_PREFIX_TERMS prefix* words and MAX_SEARCH_CHARS characters (a
    search of 300 `a*` terms ran 16 s past the 3 s time limit inside FTS5, where the limit cannot interrupt)."""
    from datetime import date
    from urllib.parse import parse_qsl
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in DATE_PARAMS and value.strip():
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                    raise ValueError
                date.fromisoformat(value.strip())
            except ValueError:
                return f"{key} moet een datum JJJJ-MM-DD zijn / must be a date YYYY-MM-DD, got {value[:40]!r}"
        if key in SEARCH_PARAMS or key.startswith("_search"):
            words = re.findall(r"\S+", value)
            if len(value) > MAX_SEARCH_CHARS or len(words) > MAX_TERMS or \
                    sum(w.endswith("*") for w in words) > MAX_PREFIX_TERMS:
                return (f"zoekopdracht te lang / search too long: at most {MAX_TERMS} words, {MAX_PREFIX_TERMS} "
                        f"with *, {MAX_SEARCH_CHARS} characters")
    return None


async def _send_json(send, status: int, error: str, extra_headers=()) -> None:
    body = json.dumps({"ok": False, "status": status, "error": error}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"), *extra_headers]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper():
    """Refuse every request that could write (POST, PUT, PATCH, DELETE) with 405: this UI is read-only."""
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            if scope.get("method", "GET").upper() not in READ_METHODS:
                await _send_json(send, 405, "Alleen lezen / read-only: this database cannot be changed here",
                                 [(b"allow", b"GET, HEAD, OPTIONS")])
                return
            if HIDDEN_ROUTES.match(scope.get("path", "")):
                await _send_json(send, 404, "Not found")
                return
            problem = check_params(scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
            if problem:
                await _send_json(send, 400, problem)
                return
            await app(scope, receive, send)
        return read_only
    return wrap


# --------------------------------------------------------------------------- year facet

def _year_facet_class():
    from datasette.database import QueryInterrupted
    from datasette.facets import Facet
    from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

    class YearFacet(Facet):
        """Facet on the year of an ISO date column: `?_facet_year=date`; selecting adds `date__startswith=2024`."""
        type = "year"

        async def suggest(self):
            return []

        async def facet_results(self):
            results, timed_out = [], []
            args = dict(self.get_querystring_pairs())
            size = self.get_facet_size()
            for sc in self.get_configs():
                config, source = sc["config"], sc["source"]
                column = config.get("column") or config["simple"]
                col = escape_sqlite(column)
                sql = (f"select substr({col}, 1, 4) as value, count(*) as count from ({self.sql}) "
                       f"where {col} glob '[12][0-9][0-9][0-9]*' group by value order by value desc limit {size + 1}")
                try:
                    rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                                 custom_time_limit=self.ds.setting("facet_time_limit_ms"))
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
                values = []
                results.append({"name": column, "type": self.type, "results": values,
                                "hideable": source != "metadata",
                                "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                                "truncated": len(rows) > size})
                key = f"{column}__startswith"
                for row in rows.rows[:size]:
                    selected = str(args.get(key)) == str(row["value"])
                    path = (path_with_removed_args(self.request, {key: str(row["value"])}) if selected
                            else path_with_added_args(self.request, {key: row["value"]}))
                    values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                                   "toggle_url": self.ds.absolute_url(self.request, path), "selected": selected})
            return results, timed_out

    return YearFacet


@hookimpl
def register_facet_classes():
    return [_year_facet_class()]
