"""A real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium against
the app served on 127.0.0.1."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from camera_registry import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Set CAMREG_SCREENSHOTS=docs/screenshots to refresh the README's screenshots.
SCREENSHOTS = os.environ.get("CAMREG_SCREENSHOTS")


@pytest.fixture
def live_server(app):
    """The app on a real port, in a thread, with its own app instance (fresh context per
    request, as in production)."""
    web = create_app({key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH", "ALLOW_FILE_STREAMS",
        "DEMO_STREAMS_PATH")})
    server = make_server("127.0.0.1", 0, web, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    if "camreg_health" in web.extensions:
        web.extensions["camreg_health"].close()


@pytest.fixture(scope="session")
def chrome(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", "--lang=zh-CN",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chrome, live_server):
    chrome.delete_all_cookies()
    chrome.base_url = live_server
    return chrome


def follow(driver, element) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_driver) -> bool:
        try:
            page.is_enabled()
            return False
        except WebDriverException:  # stale, or "does not belong to the document": gone
            return True
    WebDriverWait(driver, 10).until(replaced)
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def screenshot(driver, name: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(folder / f"{name}.png"))
