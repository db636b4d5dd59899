"""Web workbench tests: a real service (`penalty-rules serve` in a subprocess, as the service tests
start it) and, for the browser tests, headless Chromium driven by Selenium through chromedriver.

The browser tests are skipped, loudly, only where Chromium, chromedriver or selenium cannot be found.
Screenshots go to var/test-artifacts/ (gitignored); their paths are printed.
"""

import importlib.util
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from webtest_helpers import WEB_SECRET, login_client

from tests.service.live_servers import Server, server_env

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts"


CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first(paths, name):
    """The executable: the path in environment variable `name` when set (only that one), else the
    first of `paths` that exists."""
    chosen = os.environ.get(name)
    for p in (chosen,) if chosen else paths:
        if p and Path(p).is_file() and os.access(p, os.X_OK):
            return p
    return None


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("selenium") is None:
        return "Python 包 selenium 未安装(pip install -e '.[test]')"
    if _first(CHROMIUM_CANDIDATES, "PENALTY_RULES_CHROMIUM") is None:
        return "找不到 Chromium(/usr/bin/chromium; Debian 包 chromium, make setup 安装)"
    if _first(DRIVER_CANDIDATES, "PENALTY_RULES_CHROMEDRIVER") is None:
        return "找不到 chromedriver(/usr/bin/chromedriver; Debian 包 chromium-driver, make setup 安装)"
    return None


def skip_loudly(reason: str):
    message = f"!!! 浏览器端到端测试已跳过: {reason} !!!"
    warnings.warn(message, stacklevel=2)
    print("\n" + "!" * 80 + f"\n{message}\n" + "!" * 80)
    pytest.skip(message)


@pytest.fixture(scope="session")
def web_server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var-web")
    srv = Server(var, server_env(var)).start(timeout=120)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def secure_server(tmp_path_factory):
    """Two worker processes, the web secret from the environment, Secure cookies always."""
    var = tmp_path_factory.mktemp("var-web-secure")
    srv = Server(var, server_env(var, PENALTY_RULES_WEB_SECURE_COOKIE="always", PENALTY_RULES_WEB_SECRET=WEB_SECRET))
    srv.start(timeout=180, workers=2)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def officer_web(web_server):
    c = login_client(web_server, "officer")
    yield c
    c.close()


@pytest.fixture(scope="session")
def reviewer_web(web_server):
    c = login_client(web_server, "reviewer")
    yield c
    c.close()


@pytest.fixture(scope="session")
def browser():
    why = browser_missing()
    if why:
        skip_loudly(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="penalty-web-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = _first(CHROMIUM_CANDIDATES, "PENALTY_RULES_CHROMIUM")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1400", "--lang=zh-CN"):
        opts.add_argument(flag)
    service = Service(executable_path=_first(DRIVER_CANDIDATES, "PENALTY_RULES_CHROMEDRIVER"))
    try:
        driver = webdriver.Chrome(service=service, options=opts)
    except Exception as exc:  # noqa: BLE001 - a browser that cannot start here is a skip, said loudly
        shutil.rmtree(profile, ignore_errors=True)
        skip_loudly(f"Chromium 无法启动: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
