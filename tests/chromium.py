"""Debian's Chromium for the tests that render pages (marked ``browser``)."""

from __future__ import annotations

import os
import shutil

import pytest


def chromium() -> str:
    """Its path; a skip where it is not installed, a failure where CI said it would be."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("SWFLOW_REQUIRE_BROWSER"):
        pytest.fail("SWFLOW_REQUIRE_BROWSER is set but chromium is not installed")
    pytest.skip("chromium is not installed here (.ci/run installs Debian's package)")
