"""The dashboard (`/-/dashboard`) in a real headless Chromium: the four charts render (Vega-Lite from the vendored
scripts, no network), a click on a mark opens the rows behind it, and the page states where each figure comes
from. Screenshots go to test-artifacts/ (gitignored). Same browser requirements as tests/test_browser.py.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from kamerstukken import web
from test_browser import browser, pytestmark, shot, wait  # noqa: F401  (fixture, marks, helpers)

PEILDATUM = "2025-10-01"
CHARTS = ("overdue-per-ministry", "open-motions-per-ministry", "made-vs-fulfilled", "days-late")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The bundled build with a BZK watch run twice, served read-only."""
    from replay import build_database

    from kamerstukken.store import Store
    from kamerstukken.watch import Watch, add_watch, run_watches
    path = build_database(tmp_path_factory.mktemp("dashboard") / "kamerstukken.db")
    store = Store(path)
    try:
        add_watch(store, Watch("bzk", ministry="BZK"))
        run_watches(store, today=date(2020, 11, 20))
        run_watches(store, today=date(2020, 12, 1))
    finally:
        store.close()
    from kamerstukken.status import list_commitments
    store = Store(path)
    overdue = {r["id"] for r in list_commitments(store, overdue=True, ministry="BZK", today=date.fromisoformat(PEILDATUM))}
    store.close()
    proc, base = web.start_server(path)
    try:
        yield base, overdue
    finally:
        web.stop_server(proc)


def _marks(driver, slug: str):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, f"#vis-{slug} svg g.mark-rect path, "
                                                 f"#vis-{slug} svg g.mark-symbol path")


def test_dashboard_renders_every_chart_with_provenance(site, browser):
    from selenium.webdriver.common.by import By
    site, overdue_bzk = site
    browser.get(f"{site}/-/dashboard?peildatum={PEILDATUM}")
    wait(browser, 30).until(lambda d: all(d.find_element(By.ID, f"vis-{s}").get_attribute("data-rendered")
                                          for s in CHARTS))
    for slug in CHARTS:
        vis = browser.find_element(By.ID, f"vis-{slug}")
        assert vis.get_attribute("data-rendered") == "1", vis.text
        total = int(browser.find_element(By.ID, f"chart-{slug}").get_attribute("data-total"))
        assert total > 0 and _marks(browser, slug), slug           # drawn, one mark per figure at least
    # the overdue chart counts what `kamerstukken commitments --overdue` lists (only BZK has dated commitments)
    overdue = browser.find_element(By.ID, "chart-overdue-per-ministry")
    assert overdue.get_attribute("data-total") == str(len(overdue_bzk)) and len(overdue_bzk) >= 2
    prov = browser.find_element(By.ID, "provenance").text
    assert PEILDATUM in prov and "status" in prov and re.search(r"\d{4}-\d{2}-\d{2}T", prov)
    details = browser.find_elements(By.CSS_SELECTOR, ".ks-chart details pre")
    assert len(details) == len(CHARTS) and all("from status" in d.get_attribute("textContent") for d in details)
    feeds = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".ks-watches a.atom")]
    assert feeds and feeds[0].endswith("/watch_feed.atom?watch=bzk")
    assert "Dashboard" in browser.find_element(By.TAG_NAME, "body").get_attribute("innerHTML")
    browser.set_window_size(1400, 1500)
    shot(browser, "dashboard")


def test_a_click_on_a_bar_opens_the_rows_behind_it(site, browser):
    from selenium.webdriver.common.by import By
    site, overdue_bzk = site
    browser.get(f"{site}/-/dashboard?peildatum={PEILDATUM}")
    wait(browser, 30).until(lambda d: _marks(d, "overdue-per-ministry"))
    _marks(browser, "overdue-per-ministry")[0].click()
    wait(browser).until(lambda d: "/status?" in d.current_url)
    assert "ministry=BZK" in browser.current_url and "deadline_end__lt=" + PEILDATUM in browser.current_url
    ids = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-id")]
    assert set(ids) == overdue_bzk and any(i.startswith("kst-35300-VII-109#") for i in ids)
    browser.execute_script("document.querySelector('table.rows-and-columns').scrollIntoView()")
    shot(browser, "dashboard-click-overdue")


def test_watch_feed_from_the_web_ui_parses(site):
    import urllib.request
    import feedparser
    site, overdue_bzk = site
    seed = next(i for i in overdue_bzk if i.startswith("kst-35300-VII-109#"))  # "na de zomer", due 2020-11-30
    db = site + "/kamerstukken"
    with urllib.request.urlopen(db + "/watch_feed.atom?watch=bzk", timeout=30) as r:
        parsed = feedparser.parse(r.read())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert any(e.title == f"overdue: {seed}" for e in parsed.entries)
    with urllib.request.urlopen(db + "/status_feed.atom?ministerie=BZK&kamerlid=&dossier=&woorden=&peildatum="
                                     "2020-12-01", timeout=30) as r:
        by_filter = feedparser.parse(r.read())
    assert by_filter.bozo == 0
    assert f"overdue: {seed}" in [e.title for e in by_filter.entries]
    with urllib.request.urlopen(db + "/status_feed.atom?ministerie=BZK&kamerlid=&dossier=&woorden=&peildatum="
                                     "2020-11-30", timeout=30) as r:
        before = feedparser.parse(r.read())
    assert f"overdue: {seed}" not in [e.title for e in before.entries]
