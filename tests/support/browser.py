"""The web application in a real browser against the whole running system, for the browser tests.

`system` starts every process as the run command does (the four APIs, their workers and relays,
the scheduler, the gateway serving the built app) against the test database, once per test
session (each xdist worker has its own); tests make their data through the APIs, drive Debian's
Chromium with Playwright, save each screen in test-artifacts/web/ and check it with axe-core.
"""

import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import ViewportSize

from shared.local_servers import free_port
from shared.processes import BY_NAME, PROCESSES
from shared.settings import SERVICE_NAMES, get_settings
from tests.support.processes import ManagedProcess, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "web"
PHONE: ViewportSize = {"width": 375, "height": 667}
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
PASSWORD = "Grid-member-2026"

MISSING = (
    "no Chromium: install Debian's `chromium` package (apt-get install chromium) for the browser tests"
    if CHROMIUM is None
    else "the web app is not built: run `make install`"
    if not (ROOT / "web" / "dist" / "index.html").exists() or not AXE.exists()
    else None
)
# CI sets BROWSER_TESTS_REQUIRED=1: there the browser tests fail the run instead of being skipped.
if MISSING and os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
    raise RuntimeError(f"the browser tests are required (BROWSER_TESTS_REQUIRED=1): {MISSING}")

# Every browser test module carries these marks.
BROWSER_TEST = [
    pytest.mark.skipif(MISSING is not None, reason=MISSING or ""),
    pytest.mark.committed,  # the run command's processes read what the test writes
]


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole system as `make run` starts it (against the test database); the gateway's URL.
    One for the session: each test makes data of its own (the tables are emptied between tests)."""
    tmp_path = tmp_path_factory.mktemp("run")
    offsets = [process.port_offset for process in PROCESSES if process.port_offset is not None]
    base = free_port(block=max(offsets) - min(offsets) + 1) - min(offsets)
    # the system's APIs reach each other at its own ports, not those of the APIs a test starts
    where = {
        f"{s.upper()}_API_URL": f"http://127.0.0.1:{BY_NAME[f'{s}-api'].port(base)}" for s in SERVICE_NAMES
    }
    launcher = ManagedProcess(
        "launcher",
        [sys.executable, "-m", "shared.launcher", "--data-dir", str(tmp_path), "--port-base", str(base)],
        tmp_path,
        env=where,
    )
    gateway = f"http://127.0.0.1:{BY_NAME['gateway'].port(base)}"
    try:
        launcher.wait_for_log("press Ctrl-C", timeout=120)
        assert f"web app        {gateway}/" in launcher.log_text()

        def ready() -> bool:
            try:
                return all(
                    httpx.get(f"{gateway}/api/{service}/readyz").status_code == 200
                    for service in ("registry", "inspections", "notifications", "reporting")
                )
            except httpx.HTTPError:
                return False

        wait_until(ready, timeout=90, interval=0.5)
        yield gateway
    finally:
        launcher.process.send_signal(signal.SIGINT)
        launcher.process.wait(60)
        launcher.stop()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def account(registry: httpx.Client, name: str, role: str, **person_fields: Any) -> tuple[str, str]:
    """A person (with `person_fields`, e.g. enterprise_id) with an account of `role`: the account's
    name and the person's id."""
    person = ok(registry.post("/people", json={"name": name, **person_fields}), 201)
    username = f"{role}{person['id'][:8]}"
    login = {"person_id": person["id"], "username": username, "password": PASSWORD, "roles": [role]}
    ok(registry.post("/accounts", json=login), 201)
    return username, person["id"]


def staff(registry: httpx.Client, grid_id: str, name: str, duty: str, role: str) -> str:
    """A person holding `duty` in the grid, with an account of `role`; the account's name."""
    username, person_id = account(registry, name, role)
    held = {"person_id": person_id, "duty": duty, "scope_id": grid_id, "valid_from": "2020-01-01"}
    ok(registry.post("/responsibilities", json=held), 201)
    return username


def headers_of(gateway: str, username: str) -> dict[str, str]:
    form = {"username": username, "password": PASSWORD}
    token = ok(httpx.post(f"{gateway}/api/registry/auth/token", data=form))["access_token"]
    return {"Authorization": f"Bearer {token}"}


def accessible(page: Any, screen: str) -> None:
    """axe-core finds no serious or critical violation on the screen shown, once it is at rest (a
    message still fading in has too little contrast for axe)."""
    page.wait_for_function(
        "document.getAnimations().every((a) => a.playState !== 'running'"
        " || a.effect?.getTiming().iterations === Infinity)"  # a spinner turns for ever
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    (ARTIFACTS / f"{screen}.axe.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=1)
    )
    assert not bad, f"{screen}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )


def photo_shown(page: Any, name: str) -> None:
    """The photo named `name` for screen readers is shown, and the browser has its pixels."""
    from playwright.sync_api import expect

    image = page.get_by_role("img", name=name, exact=True)
    expect(image).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())


def shot(page: Any, screen: str) -> None:
    """The screen as the phone shows it, and the whole page."""
    page.screenshot(path=str(ARTIFACTS / f"{screen}.png"), animations="disabled")
    page.screenshot(path=str(ARTIFACTS / f"{screen}-full.png"), full_page=True, animations="disabled")


def log_in(page: Any, gateway: str, username: str, lands: str = "/") -> None:
    """Log in from the login page; `lands`: where the person is taken (the offices: /office/dashboard)."""
    page.goto(f"{gateway}/login")
    log_in_here(page, username)
    page.wait_for_url(f"{gateway}{lands}")


def log_in_here(page: Any, username: str) -> None:
    """Log in on the login page shown (it then returns where the person was)."""
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def end_session(page: Any) -> None:
    """The session's tokens are revoked elsewhere: the page's next call is refused."""
    page.evaluate(
        """() => {
          const stored = JSON.parse(localStorage.getItem('gridsafe.session'))
          stored.tokens.access = 'revoked'
          stored.tokens.refresh = 'revoked'
          localStorage.setItem('gridsafe.session', JSON.stringify(stored))
        }"""
    )


def menu_titles(page: Any) -> list[str]:
    """The console's side menu (管理端菜单): the titles of its pages, in order."""
    return [
        item.strip()
        for item in page.get_by_role("navigation", name="管理端菜单").get_by_role("link").all_inner_texts()
    ]


def menu_item(page: Any, title: str) -> Any:
    """The link to the page `title` in the console's side menu."""
    return page.get_by_role("navigation", name="管理端菜单").get_by_role("link", name=title, exact=True)


@contextmanager
def browser_page(viewport: ViewportSize = PHONE, **context_options: Any) -> Iterator[Any]:
    """A page of Debian's Chromium at `viewport` (a phone's, unless told), in Chinese, with the
    clock of someone in the zone (its time zone, whatever this machine's is; `timezone_id` for a
    device set to another)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone = viewport == PHONE
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            locale="zh-CN",
            **{"timezone_id": get_settings().zone_timezone, **context_options},
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
