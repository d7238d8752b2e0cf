"""The Dagster UI as a person sees it, in Debian's headless Chromium driven by Playwright: after year 2021
was backfilled, the asset graph shows the fact and dim assets, and fact_applications shows partition 2021
materialized and its schema check passed. Screenshots go to the test's tmp dir."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("no /usr/bin/chromium (apt-get install chromium); in CI .ci/run installs it", allow_module_level=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402  (after the skip)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


def visible(page, text: str, exact: bool = False):
    """The first *visible* element with this text (the UI also keeps hidden copies to measure text)."""
    return page.get_by_text(text, exact=exact).filter(visible=True).first


@pytest.fixture(scope="module")
def page(dagster_dev, year_2021):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def open_page(page, url: str) -> None:
    """Go to ``url``; a fresh instance first shows a welcome dialog, which a person would skip."""
    page.goto(url)
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(state="visible", timeout=5_000)
    except PlaywrightTimeout:
        return
    skip.click()


def test_asset_graph_shows_the_fact_and_dim_assets(page, dagster_dev, tmp_path):
    open_page(page, f"{dagster_dev.url}/asset-groups")  # the global lineage: one box per group
    for group in ("ingestion", "parsing", "facts", "quality", "rollups"):
        expect(visible(page, group, exact=True)).to_be_visible()
    page.screenshot(path=tmp_path / "global_lineage.png")

    page.set_viewport_size({"width": 1600, "height": 3200})  # the facts group, every asset in view
    open_page(page, f"{dagster_dev.url}/locations/govreports/asset-groups/facts/lineage")
    expect(visible(page, "fact_applications", exact=True)).to_be_visible()
    page.screenshot(path=tmp_path / "facts_lineage.png")  # before the checks below: what a failure looked like
    for name in ("fact_active_disclosure", "fact_applications", "fact_review_litigation", "dim_reports"):
        expect(visible(page, name, exact=True)).to_be_visible()
    expect(visible(page, "1 / 1 Passed")).to_be_visible()  # the year's schema check, on the node
    page.set_viewport_size({"width": 1600, "height": 1000})


def test_fact_applications_shows_partition_2021_and_its_check(page, dagster_dev, tmp_path):
    open_page(page, f"{dagster_dev.url}/assets/fact_applications?view=partitions&partition=2021")
    expect(page.get_by_text("Materialized (1)")).to_be_visible()
    expect(visible(page, "2021", exact=True)).to_be_visible()
    expect(visible(page, "year=2021/part-0.parquet")).to_be_visible()  # the path of the written partition
    page.screenshot(path=tmp_path / "partition_2021.png", full_page=True)

    open_page(page, f"{dagster_dev.url}/assets/fact_applications?view=checks")
    expect(visible(page, "fact_applications_matches_schema")).to_be_visible()
    expect(visible(page, "The partition validates against the pandera model FactApplications.")).to_be_visible()
    expect(visible(page, "Passed", exact=True)).to_be_visible()
    expect(visible(page, "2021", exact=True)).to_be_visible()  # "Partition 2021" of the latest execution
    page.screenshot(path=tmp_path / "checks.png", full_page=True)
