"""Browser fixtures (one server and one Chromium per session) and screenshots of failed browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.search_api.browser_fixtures import (  # noqa: F401 - fixtures, exposed to the modules of this folder
    _track_new_pages,
    browser,
    pages,
    pages_to_screenshot,
    save_failure_screenshots,
    server,
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """When a browser test fails, a full-page screenshot of each page it opened (fixtures are still alive)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "browser" in getattr(item, "fixturenames", ()):
        saved = save_failure_screenshots(item.name, pages_to_screenshot(item))
        if saved:
            report.sections.append(("screenshots", "\n".join(str(p) for p in saved)))
