"""The web UI in a real headless Chromium: what a person sees after a full-text search and two canned queries.

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: apt-get install -y chromium chromium-driver); skipped
with that reason when they are missing, except under KAMERSTUKKEN_REQUIRE_BROWSER=1 (set by .ci/run), where it fails. Screenshots go to test-artifacts/ (gitignored).
"""
from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import pytest

from kamerstukken import web

CHROMIUM = os.environ.get("KAMERSTUKKEN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KAMERSTUKKEN_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTER, MOTION = "kst-28844-269", "kst-28844-261"

_HAVE_BROWSER = os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)
# .ci/run sets KAMERSTUKKEN_REQUIRE_BROWSER=1: in CI a missing browser fails the test instead of skipping it
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not _HAVE_BROWSER and os.environ.get("KAMERSTUKKEN_REQUIRE_BROWSER") != "1",
                       reason=f"needs {CHROMIUM} and {CHROMEDRIVER} "
                              "(Debian: apt-get install -y chromium chromium-driver)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from replay import build_database
    path = build_database(tmp_path_factory.mktemp("browser") / "kamerstukken.db")
    proc, base = web.start_server(path)
    try:
        yield base + "/kamerstukken"
    finally:
        web.stop_server(proc)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
              f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}", "--window-size=1400,1000"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, seconds)


def shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    p = ARTIFACTS / f"web-{name}.png"
    driver.save_screenshot(str(p))
    assert p.stat().st_size > 10_000  # a rendered page, not a blank image
    return p


def test_full_text_search_from_the_table_page(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(server + "/documents")
    assert "documents" in browser.title
    box = browser.find_element(By.ID, "_search")
    box.clear()
    box.send_keys("stikstof")
    box.submit()
    wait(browser).until(lambda d: "_search=stikstof" in d.current_url)
    body = browser.find_element(By.TAG_NAME, "body").text
    m = re.search(r"([\d,]+) rows? where search matches \"stikstof\"", body)
    assert m and int(m.group(1).replace(",", "")) > 5, body[:500]
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "td.col-title")]
    assert titles and any("stikstof" in t.lower() for t in titles)
    facets = browser.find_element(By.CLASS_NAME, "facet-results").text  # facets from the metadata
    assert "kind" in facets and "motion" in facets and "letter" in facets
    years = re.search(r"date \(year\) \d+\n((?:\d{4} \d+\n?)+)", facets)
    assert years, facets
    per_year = [int(line.split()[1]) for line in years.group(1).strip().splitlines()]
    assert sum(per_year) == int(m.group(1).replace(",", ""))  # every hit falls in one year
    shot(browser, "search")


def test_bad_search_shows_how_to_search(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(server + "/documents?" + urllib.parse.urlencode({"_search": '"stikstof'}))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Zoekfout" in text and "search query not understood" in text and "double quotes" in text


def test_motion_status_form_and_links(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(server + "/motion_status")
    assert "Status van een motie" in browser.find_element(By.TAG_NAME, "h1").text
    field = browser.find_element(By.ID, "qp1")  # the :motie parameter field of the canned query form
    field.clear()
    field.send_keys("Kamerstuk 28 844, nr. 261")
    browser.find_element(By.CSS_SELECTOR, "form.sql input[type=submit]").click()
    wait(browser).until(lambda d: "motie=" in d.current_url and d.find_elements(By.CSS_SELECTOR, "td.col-motie"))
    cells = {td.get_attribute("class").split()[0]: td for td in browser.find_elements(By.CSS_SELECTOR, "tbody tr td")}
    assert cells["col-motie"].text == MOTION
    assert cells["col-status"].text in ("claimed_done", "fulfilled_late")
    link = cells["col-claimed_by"].find_element(By.TAG_NAME, "a")
    assert link.text == LETTER
    assert link.get_attribute("href") == f"https://zoek.officielebekendmakingen.nl/{LETTER}.html"
    shot(browser, "motion-status")


def test_document_with_highlighted_extractions(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(server + "/document_extractions?" + urllib.parse.urlencode({"document": LETTER}))
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "td.col-highlight mark"))
    # textContent: Selenium's .text is only what is on screen, and a mark in a long cell may be scrolled away
    marks = [m.get_attribute("textContent") for m in browser.find_elements(By.CSS_SELECTOR, "td.col-highlight mark")]
    assert any("Van Baarle" in m for m in marks)       # the motion mention, marked in its sentence
    assert any("geef ik gevolg aan mijn toezegging" in m for m in marks)  # a fulfilment statement
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "td.col-details a")]
    assert "https://zoek.officielebekendmakingen.nl/kst-28844-266.html" in hrefs
    mark = browser.find_element(By.CSS_SELECTOR, "td.col-highlight mark")
    assert mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    shot(browser, "document-extractions")
