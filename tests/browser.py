"""Headless Chromium from Debian's packages, driven by Playwright, with every outside request blocked
and recorded: what the browser tests share. Importing it skips the calling test module when the
browser or Playwright is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
if not CHROMIUM.exists():
    pytest.skip(
        "Chromium is not installed (apt-get install -y chromium chromium-driver fonts-dejavu-core): "
        "browser tests skipped",
        allow_module_level=True,
    )


@dataclass
class Observed:
    """Console errors and uncaught exceptions, and the outside requests that were blocked."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def offline_page(browser, viewport: dict[str, int]) -> tuple[object, Observed]:
    """A page that may load file:// and data: URLs only; anything else is aborted and recorded."""
    page = browser.new_page(viewport=viewport)
    observed = Observed()
    page.on("console", lambda message: observed.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: observed.errors.append(str(error)))

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            observed.outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page, observed


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
