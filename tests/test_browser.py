"""The cockpit in headless Chromium against a real `ross-cost serve`: every page by URL, slicers, a deep link
after a restart, a CSV download checked against GET /api/cost, the Sara question, a pivot-cell drill-down.

Debian's /usr/bin/chromium driven by Playwright (never `playwright install`). Any browser console error or
Streamlit exception box fails the test. Screenshots of every page go to test-artifacts/screenshots/.
Skipped only when Chromium is missing and ROSS_REQUIRE_BROWSER is not set (CI sets it).
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import REPO, LiveServer, live_server

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
FAILURES = REPO / "test-artifacts" / "failures"
#: Playwright adds --headless itself; these keep Chromium quiet, offline and container-friendly.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run",
               "--disable-background-networking", "--disable-sync", "--mute-audio"]
#: Demo window spanning the Q3/Q4 boundary, so "Q3 against Q4" has both sides.
DEMO = ["--days", "35", "--end", "2026-10-15"]
#: URL path -> title; the home page (Overview) lives at "/".
PAGES = {"": "Overview", "explorer": "Explorer", "unit_economics": "Unit economics", "drift": "Drift",
         "focus": "FOCUS 1.3", "data_health": "Data health"}
#: Streamlit's frontend probes for its base path on a deep link: it asks /<page>/_stcore/health and
#: /<page>/_stcore/host-config first (404), then the root. Those two probes are expected; nothing else is.
BASE_PATH_PROBE = re.compile(r"/[A-Za-z0-9_]+/_stcore/(health|host-config)$")
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

if not CHROMIUM.exists():
    if os.environ.get("ROSS_REQUIRE_BROWSER"):
        pytest.fail("ROSS_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (scripts/system-deps.sh installs it)",
                    pytrace=False)
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo loaded once per run (pytest-xdist workers share it under a lock), through `ross-cost demo`."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    source = root / "browser-demo.duckdb"
    with (root / "browser-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not source.exists():
            loading = root / "browser-demo.loading.duckdb"
            loading.unlink(missing_ok=True)
            subprocess.run([sys.executable, "-m", "ross_cost.cli", "demo", *DEMO, "--db", f"duckdb:///{loading}"],
                           cwd=REPO, check=True, capture_output=True, timeout=900)
            loading.rename(source)
    return source


@pytest.fixture
def fresh_copy(demo_source: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (DuckDB allows one process per file), for a server of one's own."""
    copy = tmp_path / "cockpit.duckdb"
    shutil.copy(demo_source, copy)
    return copy


@pytest.fixture(scope="module")
def server(demo_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    copy = tmp_path_factory.mktemp("browser") / "cockpit.duckdb"
    shutil.copy(demo_source, copy)
    with live_server(copy) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page plus everything that went wrong in it."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1440, "height": 1800}, accept_downloads=True)
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if "404" in message.text and BASE_PATH_PROBE.search(where):
            return
        self.errors.append(f"console: {message.text} ({where})")

    def open(self, path: str, heading: str) -> None:
        self.page.goto(self.base + path)
        self.settle(f'h1:has-text("{heading}")')

    def settle(self, proof: str) -> None:
        """Wait for content that proves the new run, then for Streamlit to go idle and charts to draw."""
        self.page.wait_for_selector(proof, state="attached", timeout=60_000)
        self.page.wait_for_selector(IDLE, timeout=60_000)
        if self.page.locator('[data-testid="stPlotlyChart"]').count():
            self.page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
        if self.page.locator('[data-testid="stDataFrame"]').count():
            self.page.wait_for_selector('[data-testid="stDataFrame"] [role="gridcell"]', state="attached",
                                        timeout=30_000)

    def check(self) -> None:
        boxes = self.page.get_by_test_id("stException").all_inner_texts()
        assert not boxes, f"Streamlit exception: {boxes}"
        assert not self.errors, self.errors

    def download(self, key: str) -> tuple[str, str]:
        with self.page.expect_download() as event:
            self.page.locator(f".st-key-{key} button").click()
        target = event.value.path()
        return event.value.suggested_filename, Path(target).read_text()

    def pick(self, key: str, option: str) -> None:
        """Choose one option of a multiselect in the sidebar (one interaction). On a loaded machine the list
        can open late, or a click can land while the script redraws and be lost: so the choice is confirmed
        on the widget itself (its chip), and tried again (finally typed) until it shows."""
        area = self.page.locator(f".st-key-{key}")
        box = area.get_by_role("combobox")
        choice = self.page.get_by_role("option", name=option, exact=True)
        for _ in range(4):
            box.click()
            try:
                choice.wait_for(timeout=10_000)
                choice.click()
            except sync_api.TimeoutError:
                self.page.keyboard.type(option)
                self.page.keyboard.press("Enter")
            self.page.keyboard.press("Escape")
            try:
                area.filter(has_text=option).wait_for(timeout=10_000)
                return
            except sync_api.TimeoutError:
                continue
        raise AssertionError(f"could not pick {option!r} in the {key} slicer")


@pytest.fixture
def watched(browser: Any, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Watched]:
    page = Watched(browser, server.url)
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before:
        FAILURES.mkdir(parents=True, exist_ok=True)  # what the page showed when the test failed
        page.page.screenshot(path=str(FAILURES / f"{request.node.name}.png"), full_page=True)
    page.check()
    page.context.close()


def nav_titles(page: Any) -> list[str]:
    """This issue's page titles in the top navigation, in order (each link's text ends with its title, after
    the icon's name; pages added by later issues are left out)."""
    titles = [text.strip().splitlines()[-1] for text in page.get_by_test_id("stTopNavLink").all_inner_texts()]
    return [title for title in titles if title in PAGES.values()]


def api_rows(server: LiveServer, **params: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/api/cost", params=params, timeout=60)
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()["rows"]
    return rows


def test_every_page_opens_by_url_and_is_photographed(watched: Watched) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, heading in PAGES.items():
        watched.open(f"/{path}", heading)
        watched.check()
        watched.page.screenshot(path=str(SCREENSHOTS / f"{path or 'overview'}.png"), full_page=True)
    assert nav_titles(watched.page) == list(PAGES.values())


def test_a_slicer_change_redraws_and_the_selection_follows_to_another_page(watched: Watched) -> None:
    watched.open("/", "Overview")
    before = watched.page.get_by_test_id("stMetricValue").first.inner_text()
    watched.pick("agent_slug", "sara")
    # polled, not a navigation event: Streamlit rewrites the query string in place (history.replaceState)
    watched.page.wait_for_function("() => location.search.includes('agent_slug=sara')", timeout=60_000)
    watched.settle('[data-testid="stCaptionContainer"]:has-text("agent: sara")')
    assert watched.page.get_by_test_id("stMetricValue").first.inner_text() != before
    watched.page.get_by_test_id("stTopNavLink").filter(has_text="Explorer").click()
    watched.settle('h1:has-text("Explorer")')
    assert "agent_slug=sara" in watched.page.url and "/explorer" in watched.page.url
    assert "sara" in watched.page.locator(".st-key-agent_slug").inner_text()


def test_a_csv_download_equals_get_api_cost(watched: Watched, server: LiveServer) -> None:
    watched.open("/explorer?tenant_tier=enterprise&channel=email&period=2026-10-01&period=2026-10-14",
                 "Explorer")
    name, text = watched.download("csv-bars")
    assert name == "explorer-bars.csv"
    downloaded = {(r["agent_slug"], r["layer"]): Decimal(r["effective_cost"])
                  for r in csv.DictReader(io.StringIO(text))}
    api = api_rows(server, start="2026-10-01", end="2026-10-15", group_by="agent_slug,layer",
                   tenant_tier="enterprise", channel="email")
    assert downloaded == {(r["agent_slug"], r["layer"]): Decimal(r["effective_cost"]) for r in api}
    assert len(downloaded) > 4


def test_the_focus_csv_is_built_on_click_and_sums_to_get_api_cost(watched: Watched, server: LiveServer) -> None:
    watched.open("/focus?channel=email&period=2026-10-01&period=2026-10-14", "FOCUS 1.3")
    name, text = watched.download("focus-csv")
    assert name.startswith("ross-focus-") and name.endswith(".csv")
    exported = sum((Decimal(r["EffectiveCost"]) for r in csv.DictReader(io.StringIO(text))), Decimal(0))
    api = api_rows(server, start="2026-10-01", end="2026-10-15", channel="email")
    assert exported == sum((Decimal(r["effective_cost"]) for r in api), Decimal(0)) > 0
    watched.check()


def test_sara_voice_q3_against_q4_by_module_and_tier_takes_one_interaction(
    watched: Watched, server: LiveServer
) -> None:
    watched.open("/explorer", "Explorer")
    interactions = 0
    box = watched.page.locator(".st-key-ask input")
    box.fill("Show me Sara's voice spend, Q3 against Q4, by module and tenant tier")
    box.press("Enter")
    interactions += 1
    watched.settle('h3:has-text("2026-Q3 against 2026-Q4")')
    assert interactions <= 3
    assert "agent_slug=sara" in watched.page.url and "channel=voice" in watched.page.url
    _, text = watched.download("csv-comparison")
    compared = {(r["module_id"], r["tenant_tier"]): (Decimal(r["a"]), Decimal(r["b"]))
                for r in csv.DictReader(io.StringIO(text))}
    common = {"group_by": "module_id,tenant_tier", "agent_slug": "sara", "channel": "voice"}
    q3 = {(r["module_id"], r["tenant_tier"]): Decimal(r["effective_cost"])
          for r in api_rows(server, start="2026-07-01", end="2026-10-01", **common)}
    q4 = {(r["module_id"], r["tenant_tier"]): Decimal(r["effective_cost"])
          for r in api_rows(server, start="2026-10-01", end="2027-01-01", **common)}
    assert set(compared) == set(q3) | set(q4) and q3 and q4
    for ident, (a, b) in compared.items():
        assert (a, b) == (q3.get(ident, Decimal(0)), q4.get(ident, Decimal(0)))
    watched.page.screenshot(path=str(SCREENSHOTS / "explorer-sara-q3-vs-q4.png"), full_page=True)


def test_a_deep_link_right_after_a_restart_reopens_the_same_view(browser: Any, fresh_copy: Path) -> None:
    with live_server(fresh_copy) as fresh:
        page = Watched(browser, fresh.url)
        try:
            page.open("/explorer?agent_slug=irati&by=Module&compare=2026-Q3", "Explorer")
            assert "irati" in page.page.locator(".st-key-agent_slug").inner_text()
            assert page.page.locator(".st-key-by input").input_value() == "Module"
            assert page.page.locator(".st-key-compare input").input_value() == "2026-Q3"
            assert nav_titles(page.page) == list(PAGES.values())
            page.open("/unit_economics?present=true", "Unit economics")
            assert not page.page.get_by_test_id("stSidebar").is_visible()
            page.page.screenshot(path=str(SCREENSHOTS / "unit_economics-presentation.png"), full_page=True)
            page.check()
        finally:
            page.context.close()


def test_clicking_a_pivot_cell_lists_the_spans_behind_it(browser: Any, fresh_copy: Path) -> None:
    with live_server(fresh_copy) as fresh:
        page = Watched(browser, fresh.url)
        try:
            page.open("/explorer", "Explorer")
            page.page.wait_for_selector('.st-key-grid-pivot [role="gridcell"]', state="attached")
            grid = page.page.locator(".st-key-grid-pivot").bounding_box()
            assert grid is not None
            columns = 6  # agent, the four layers, total
            drill = page.page.locator(".st-key-drill input")
            for _ in range(3):  # the canvas takes clicks once it has drawn, a moment after the cells exist
                page.page.mouse.click(grid["x"] + grid["width"] * 1.5 / columns, grid["y"] + 52)
                try:
                    sync_api.expect(drill).not_to_have_value("—", timeout=5_000)
                    break
                except AssertionError:
                    continue
            page.settle(".st-key-csv-spans")  # the spans table's download, drawn with the table
            assert " · prompt" in drill.input_value()
            page.check()
        finally:
            page.context.close()
