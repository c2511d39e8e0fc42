"""`dbt docs generate --static` (make docs) gives one page that works from file:// with no network:
no outside request (usage tracking is off), and the models are there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline import config
from pipeline.build.publish import Layout
from tests.browser import launch, offline_page, sync_api


def test_static_docs_open_offline_without_outside_requests(published: Layout, tmp_path: Path) -> None:
    target = tmp_path / "target"
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "docs", "generate", "--static", "--target-path", str(target)],
        cwd=config.REPO_ROOT,
        env={**os.environ, "LIFECYCLE_WAREHOUSE_PATH": str(published.warehouse), "DO_NOT_TRACK": "1"},
        check=True,
        capture_output=True,
    )
    page_file = target / "static_index.html"
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page, observed = offline_page(browser, {"width": 1280, "height": 900})
        page.goto(page_file.as_uri() + "#!/model/model.customer_lifecycle.customer_rfm")
        page.wait_for_function("document.body.innerText.includes('dashboard_customer_cells')", timeout=30_000)
        text = page.inner_text("body")
        browser.close()
    assert observed.outside == []
    assert "customer_rfm" in text and "Exposures" in text
