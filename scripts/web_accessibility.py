"""axe-core on every workbench page of a real database: prints the violations, exit 1 if any.

    .venv/bin/python scripts/web_accessibility.py sqlite:///demo-out/demo.sqlite [AXE_MIN_JS]

axe-core is vendored in tests/web/vendor (from npm); the browser tests run it on the
test desk, this script on any database. Adds a user `screenshots` (admin).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from web_screenshots import ARGS, PASSWORD, _serve

RUN_AXE = ("async () => (await axe.run()).violations.map(v => ({id: v.id, impact: v.impact, "
           "nodes: v.nodes.length, help: v.help, first: v.nodes[0].html.slice(0, 160)}))")


def _check(page: Page, axe: str, name: str) -> int:
    page.add_script_tag(content=axe)
    found = page.evaluate(RUN_AXE)
    print(f"{name}: " + (json.dumps(found, indent=1) if found else "no violations"))
    return len(found)


def main(url: str, axe_file: Path) -> int:
    """Sign in and check each page; the number of violations found."""
    axe = axe_file.read_text()
    server, base = _serve(url)
    problems = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(base_url=base, bypass_csp=True)  # axe is injected inline
        page.goto("/login")
        problems += _check(page, axe, "login")
        page.get_by_label("Name").fill("screenshots")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/today")
        for name, path, opener in (("today", "/today", None),
                                   ("review payment", "/review", "**/review/payment**"),
                                   ("unmatched payment", "/unmatched", "**/unmatched/payment**"),
                                   ("audit", "/audit", None)):
            page.goto(path)
            problems += _check(page, axe, path)
            if opener:
                page.locator("tr[data-row] a.open").first.click()
                page.wait_for_url(opener)
                problems += _check(page, axe, name)
            if name == "review payment":
                page.locator("td a[href^='/customer']").first.click()
                page.wait_for_url("**/customer**")
                problems += _check(page, axe, "customer")
        browser.close()
    server.should_exit = True
    return problems


VENDORED = Path(__file__).resolve().parents[1] / "tests/web/vendor/axe-core/axe.min.js"

if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else VENDORED) else 0)
