"""The timeline page as a person sees it: rendered by headless Chromium."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from swflow.timeline import _COLOURS
from tests.chromium import chromium
from tests.cli.conftest import Swflow

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("workers")]

# Flags a root, offline machine needs (see the machine notes on Chromium).
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _browse(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _pixels_near(image: Image.Image, colour: str) -> int:
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        count
        for count, pixel in image.getcolors(maxcolors=1 << 20) or []
        if sum(abs(a - b) for a, b in zip(pixel[:3], want, strict=True)) <= 12
    )


def test_the_timeline_renders_bars_points_and_labels(
    swflow: Swflow, eventful: dict[str, object], tmp_path: Path
) -> None:
    page = tmp_path / "timeline.html"
    swflow.ok("timeline", "w-events", "-o", str(page))

    dom = _browse(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<svg" in dom.stdout and "flaky a2 (2 attempts)" in dom.stdout
    assert "timer t1" in dom.stdout and "timer a2.backoff" in dom.stdout  # a retry waits
    assert "markers (@cached, clock, patches)" in dom.stdout

    shot = tmp_path / "shot.png"
    done = _browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1300,600")
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1300, 600)
    # Each kind of outcome is drawn where a person can see it, in its own colour.
    assert _pixels_near(image, _COLOURS["completed"]) > 200  # activities, timer, the run
    assert _pixels_near(image, _COLOURS["failed"]) > 20  # the first attempt of flaky
    assert _pixels_near(image, _COLOURS["marker"]) > 20  # the @cached marker
    assert _pixels_near(image, _COLOURS["decision"]) > 20  # the decider's tasks
