"""Real-browser fixtures: the app served by uvicorn on a free loopback port, and Debian's chromium
driven by Playwright (`playwright install` cannot download browsers here; `make browser-deps`
installs chromium with apt)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from api.app import create_app
from tests.conftest import REPO, make_settings

CHROMIUM = os.environ.get("LOWCARBON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = REPO / "test-artifacts"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_server(sqlite_url: str, tmp_path: Path, vectors_dir: Path) -> Iterator[str]:
    """The whole app on a fresh seeded SQLite copy, served over real HTTP from a background thread."""
    app = create_app(make_settings(sqlite_url, tmp_path, vectors_dir, embedding_backend="none"))
    config = uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning", ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: run `make browser-deps`")
        pytest.skip(f"{CHROMIUM} is missing: run `make browser-deps`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at desktop size, Chinese locale."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    yield new_page
    context.close()


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/ (gitignored), for people reviewing a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    return save_screenshot
