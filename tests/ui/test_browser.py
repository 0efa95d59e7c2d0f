"""The UI as a person uses it, in Debian's headless Chromium driven by Playwright (no
browser of Playwright's own): list, filter, open a run, expand a payload, see the
timeline, cancel a run, and a screenshot that shows what the page says."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tests.chromium import chromium
from tests.ui import flows
from tests.ui.conftest import Ui

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_list_filter_open_expand_timeline_and_cancel(ui: Ui, page: Any) -> None:
    page.goto(ui.url)
    assert page.locator("#domain").input_value() == flows.DOMAIN
    assert page.locator("#runs a.run").count() == 3
    page.select_option("#status", "FAILED")
    page.click("#filter")
    assert page.locator("#runs a.run").all_inner_texts() == ["broken-1"]
    page.select_option("#status", "")
    page.fill("#workflow_id", "greeting-ada")
    page.click("#filter")
    page.click("#runs a.run")
    assert page.inner_text("#title") == "greeting-ada"
    assert page.inner_text("#status") == "COMPLETED"
    timeline = page.frame_locator("#timeline")
    assert "greet" in timeline.locator("body").inner_text()
    page.click("#result a.expand")
    assert page.inner_text("#payload").count("hello ada!") == 60
    page.go_back()

    page.goto(ui.url)
    page.fill("#workflow_id", "waiting-1")
    page.click("#filter")
    page.click("#runs a.run")
    page.click("#cancel")
    assert "cancel waiting-1?" in page.inner_text("h1")
    page.click("#confirm")  # a POST, then back on the run's page
    for _ in range(100):  # the decider answers the request: CANCELED
        if page.inner_text("#status") == "CANCELED":
            break
        page.wait_for_timeout(100)
        page.reload()
    assert page.inner_text("#status") == "CANCELED"


def test_a_screenshot_shows_the_failure_in_red(ui: Ui, page: Any) -> None:
    run = ui.runs["failed"]
    page.goto(f"{ui.url}run?domain={flows.DOMAIN}&workflow_id=broken-1&run_id={run.run_id}")
    assert "alert" in page.inner_text("#reason")  # shown as text, never run as script
    shot = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    colours = {colour: count for count, colour in shot.getcolors(maxcolors=1 << 24) or []}
    red = colours.get((198, 40, 40), 0)  # #c62828
    assert red > 200, "the FAILED status and reason are drawn in red"
