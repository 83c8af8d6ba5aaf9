"""The shared HTTP client against a local replay server: retries, back-off, 404-as-200, raw store, conditional GET."""
from pathlib import Path

import pytest

from kamerstukken.scrapers.http import (FetchError, HttpClient, NotFound, RateLimiter, USER_AGENT, looks_not_found,
                                        parse_retry_after)
from kamerstukken.scrapers.rawstore import RawStore
from kamerstukken.store import Store
from replay import Reply, ReplayServer

FIX = Path(__file__).parent / "fixtures" / "payloads"
MOTIE = (FIX / "kst" / "kst-36045-299_motie.xml").read_bytes()
NOT_FOUND_PAGE = (b"<!DOCTYPE html><html><head><title>Pagina niet gevonden | Overheid.nl</title></head>"
                  b"<body><h1>Pagina niet gevonden</h1></body></html>")


class Sleeps(list):
    def __call__(self, s):
        self.append(s)


@pytest.fixture
def env(tmp_path):
    store = Store(tmp_path / "k.db")
    raw = RawStore(store)
    sleeps = Sleeps()
    client = HttpClient(rawstore=raw, rate=0, retries=3, backoff=0.5, sleep=sleeps)
    with ReplayServer() as srv:
        yield srv, client, raw, store, sleeps
    client.close()
    store.close()


def test_500_then_200_is_retried_once(env):
    srv, client, raw, store, sleeps = env
    srv.add("/doc.xml", Reply(500, b"boom"), Reply(200, MOTIE))
    resp = client.get(srv.url + "/doc.xml", expect="xml")
    assert resp.content == MOTIE
    assert client.stats.retries == 1 and len(srv.requests_to("/doc.xml")) == 2
    assert sleeps == [0.5]                      # first back-off step


def test_429_honours_retry_after(env):
    srv, client, *_ , sleeps = env
    srv.add("/x", Reply(429, b"slow down", {"Retry-After": "7"}), Reply(200, b'{"value": []}'))
    assert client.get(srv.url + "/x", expect="json").json() == {"value": []}
    assert sleeps == [7.0]


def test_retries_are_bounded_and_back_off_grows(env):
    srv, client, *_ , sleeps = env
    srv.add("/down", Reply(503, b"unavailable"))
    with pytest.raises(FetchError) as ei:
        client.get(srv.url + "/down")
    assert ei.value.status == 503
    assert len(srv.requests_to("/down")) == 4   # retries=3 -> 4 attempts, never endless
    assert sleeps == [0.5, 1.0, 2.0]


def test_connection_dropped_mid_body_is_retried(env):
    srv, client, raw, *_ = env
    srv.add("/big.xml", Reply(200, MOTIE, drop_after=100), Reply(200, MOTIE))
    resp = client.get(srv.url + "/big.xml", expect="xml")
    assert resp.content == MOTIE
    assert client.stats.retries == 1
    # only the complete body was kept
    assert raw.get(resp.hash) == MOTIE


def test_not_found_page_served_as_200_is_not_a_document(env):
    srv, client, raw, store, _ = env
    srv.add("/kst-1-2.xml", Reply(200, NOT_FOUND_PAGE, content_type="text/html"))
    with pytest.raises(NotFound):
        client.get(srv.url + "/kst-1-2.xml", expect="xml")
    with pytest.raises(NotFound):
        client.get(srv.url + "/kst-1-2.html", expect="html")   # a real 404 (unknown route)
    assert looks_not_found(NOT_FOUND_PAGE, "html")
    assert not looks_not_found(MOTIE, "xml")
    assert looks_not_found(b"<html><body>hi</body></html>", "pdf")


def test_user_agent_and_raw_store_paths_from_hash(env):
    srv, client, raw, store, _ = env
    srv.add("/m.xml", Reply(200, MOTIE, {"ETag": '"v1"', "Last-Modified": "Wed, 01 Jul 2026 10:00:00 GMT"}))
    resp = client.get(srv.url + "/m.xml", expect="xml")
    assert srv.log[0].headers["user-agent"] == USER_AGENT
    path = raw.path_for(resp.hash)
    assert path == raw.root / resp.hash[:2] / resp.hash[2:] and path.read_bytes() == MOTIE
    assert raw.root.name == "k.db.raw"
    row = store.db["raw_responses"].get(resp.hash)
    assert row["url"] == srv.url + "/m.xml" and row["status"] == 200 and row["etag"] == '"v1"'
    with pytest.raises(ValueError):
        raw.path_for("../../etc/passwd")


def test_conditional_request_304_uses_stored_body(env):
    srv, client, raw, store, _ = env
    srv.add("/m.xml", Reply(200, MOTIE, {"ETag": '"v1"'}), Reply(304, b""))
    first = client.get(srv.url + "/m.xml", expect="xml")
    second = client.get(srv.url + "/m.xml", expect="xml")
    assert srv.requests_to("/m.xml")[1].headers.get("if-none-match") == '"v1"'
    assert second.not_modified and second.content == MOTIE and second.hash == first.hash
    assert client.stats.not_modified == 1


def test_rate_limiter_spaces_requests():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s
    rl = RateLimiter(3.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        rl.wait()
    assert slept == pytest.approx([1 / 3] * 3)


def test_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert parse_retry_after("12") == 12.0 and parse_retry_after("soon") is None
