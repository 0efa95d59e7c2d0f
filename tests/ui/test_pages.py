"""The UI over raw HTTP: what it shows, what it escapes, and that only a POST writes."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlencode

from tests.ui import flows
from tests.ui.conftest import Ui


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _post(url: str, form: dict[str, str], origin: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST")
    if origin is not None:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _page(ui: Ui, path: str, **query: str) -> str:
    status, text = _get(f"{ui.url.removesuffix('/ui/')}{path}?{urlencode(query)}")
    assert status == 200, text
    return text


def test_the_runs_page_lists_and_filters_newest_first(ui: Ui) -> None:
    text = _page(ui, "/ui/", domain=flows.DOMAIN)
    assert text.index("waiting-1") < text.index("broken-1") < text.index("greeting-ada")
    failed = _page(ui, "/ui/", domain=flows.DOMAIN, status="FAILED")
    assert "broken-1" in failed and "greeting-ada" not in failed
    tagged = _page(ui, "/ui/", domain=flows.DOMAIN, tag="greeting")
    assert "greeting-ada" in tagged and "broken-1" not in tagged
    both = _get(f"{ui.url}?{urlencode({'domain': flows.DOMAIN, 'status': 'FAILED', 'tag': 'x'})}")
    assert both[0] == 400 and "one of workflow id, type, tag or status" in both[1]


def test_a_failed_run_shows_its_reason_and_traceback_escaped(ui: Ui) -> None:
    run = ui.runs["failed"]
    text = _page(ui, "/ui/run", domain=flows.DOMAIN, workflow_id="broken-1", run_id=run.run_id)
    assert "cannot go on" in text and 'id="traceback"' in text and "raise ValueError" in text
    assert flows.HOSTILE not in text  # never as markup
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text


def test_payloads_are_previewed_and_out_of_band_ones_fetched_on_demand(ui: Ui) -> None:
    run = ui.runs["done"]
    ids = {"domain": flows.DOMAIN, "workflow_id": "greeting-ada", "run_id": run.run_id}
    reads = ui.codec.bytes_fetched
    text = _page(ui, "/ui/run", **ids)
    assert "hello ada!" in text and "expand" in text and "COMPLETED" in text  # inline result
    assert "json/file" in text  # the activity's result: its envelope, not its bytes
    assert ui.codec.bytes_fetched == reads  # a page of history never reads a store
    activity = next(e for e in run.history() if e.event_type == "ActivityTaskCompleted")
    full = _page(ui, "/ui/payload", **ids, event=str(activity.event_id), field="result")
    assert full.count("hello ada!") == 60  # fetched now, from the local store it trusts
    assert ui.codec.bytes_fetched > reads
    timeline = _page(ui, "/ui/timeline", **ids)
    assert "greet" in timeline


def test_only_a_post_from_this_origin_acts(ui: Ui) -> None:
    run = ui.runs["waiting"]
    form = {
        "action": "terminate",
        "domain": flows.DOMAIN,
        "workflow_id": "waiting-1",
        "run_id": run.run_id,
    }
    assert _get(f"{ui.url}act?{urlencode(form)}")[0] == 405
    assert _post(f"{ui.url}act", form, origin="http://evil.example")[0] == 403
    assert run.describe().status == "OPEN"  # neither wrote
    status, text = _post(f"{ui.url}act", {**form, "action": "explode"})
    assert status == 400 and "unknown action" in text
