"""No page the service serves loads scripts, styles or fonts from the internet (/docs, /redoc and
every other HTML page): the service is used on machines without internet access."""

import re
from html.parser import HTMLParser

import pytest

EXTERNAL = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"])
        if a.get("style"):
            self.urls += CSS_URL.findall(a["style"])
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.urls += CSS_URL.findall(data)


@pytest.fixture
def client(inprocess_app):
    return inprocess_app()


def test_no_served_page_references_external_assets(client):
    paths = sorted({
        r.path for r in client.app.routes
        if "GET" in (getattr(r, "methods", None) or set()) and "{" not in r.path
    })
    assert "/docs" in paths and "/redoc" in paths
    pages = 0
    for path in paths:
        r = client.get(path)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        pages += 1
        parser = Assets()
        parser.feed(r.text)
        external = [u for u in parser.urls if EXTERNAL.match(u)]
        assert not external, (path, external)
        assert "fonts.googleapis" not in r.text and "cdn.jsdelivr" not in r.text, path
        for url in parser.urls:  # every asset is served here
            if url.startswith("/"):
                assert client.get(url).status_code == 200, (path, url)
    assert pages >= 2


def test_redoc_is_served_offline(client):
    r = client.get("/redoc")
    assert r.status_code == 200
    assert '<script src="/static/swagger/redoc.standalone.js">' in r.text
    js = client.get("/static/swagger/redoc.standalone.js")
    assert js.status_code == 200 and len(js.content) > 100_000
