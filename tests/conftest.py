"""Shared test settings: Hypothesis profiles for the fuzz tests (tests/test_fuzz_*.py).

    pytest                                         # profile "ci": 100-300 examples per target (sized per test)
    HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_*.py   # the long run: 20x the examples
    HYPOTHESIS_PROFILE=dev pytest tests/test_fuzz_*.py    # a quick look: 25 examples
    pytest -m slow                                 # the slow long-run tests (skipped otherwise)

Every fuzz test states its CI budget with `fuzz_settings(n)`: n examples in the "ci" profile, 20*n in "long",
25 in "dev". No deadline (a CI machine under load must not turn a slow example into a failure); no test asserts
on the clock: inputs and test servers bound the work.

Hypothesis keeps its example database and its cache (which records source paths of this machine) in the system's
temporary folder, not in the working tree ($KAMERSTUKKEN_HYPOTHESIS_DIR to choose another place).
"""
import os
import tempfile
from pathlib import Path

import pytest

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(os.environ.get("KAMERSTUKKEN_HYPOTHESIS_DIR")
                        or Path(tempfile.gettempdir()) / f"kamerstukken-hypothesis-{os.getuid() if hasattr(os, 'getuid') else 0}")

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much, HealthCheck.large_base_example])
settings.register_profile("ci", max_examples=150, **_COMMON)
settings.register_profile("long", max_examples=3000, **_COMMON)
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.load_profile(PROFILE)

_SCALE = {"ci": 1, "long": 20}


def fuzz_settings(n: int, **kw) -> settings:
    """Settings for one fuzz target: `n` examples in CI, 20*n in the long profile, 25 in dev."""
    examples = 25 if PROFILE == "dev" else n * _SCALE.get(PROFILE, 1)
    return settings(max_examples=examples, **kw)


def pytest_collection_modifyitems(config, items):
    """Tests marked `slow` (the long runs of docs/reliability.md) run only when asked for: `pytest -m slow`,
    or KAMERSTUKKEN_SLOW=1 / HYPOTHESIS_PROFILE=long. The normal run stays within the CI budget."""
    import pytest
    if "slow" in (config.getoption("-m") or "") or os.environ.get("KAMERSTUKKEN_SLOW") == "1" or PROFILE == "long":
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest -m slow` (docs/reliability.md)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# ----------------------------------------------------------------------------- shared fixtures

@pytest.fixture
def env(tmp_path):
    """A scrape's set-up: a store, an HTTP client without waits, and the local replay server."""
    from kamerstukken.scrapers.http import HttpClient
    from kamerstukken.scrapers.rawstore import RawStore
    from kamerstukken.store import Store
    from replay import ReplayServer
    store = Store(tmp_path / "k.db")
    client = HttpClient(rawstore=RawStore(store), rate=0, retries=2, backoff=0.01, sleep=lambda s: None)
    with ReplayServer() as srv:
        yield srv, store, client
    client.close()
    store.close()


def linked_letters_store():
    """The two real letters of tests/fixtures/link (kst-35300-VII-109, kst-28844-269), parsed, extracted and
    linked in an in-memory store."""
    from pathlib import Path
    from kamerstukken.link import link_store
    from kamerstukken.parse import parse
    from kamerstukken.stages import extract_all
    from kamerstukken.store import Store
    fix = Path(__file__).parent / "fixtures" / "link"
    s = Store(":memory:")
    for f in ("kst-35300-VII-109.txt", "kst-28844-269.xml"):
        s.upsert_document(parse((fix / f).read_bytes(), str(fix / f)))
    extract_all(s)
    link_store(s)
    return s
