"""The workbench over HTTP against the real service: log-in and sessions (cookie flags, keys
checked on every request), CSRF on every form, roles (officers get a Chinese 403 page), labels on
every input of every page, no asset from outside the service, the scenario runner."""

import re
from html.parser import HTMLParser

import httpx
import pytest

from webtest_helpers import csrf_of, login_client

PAGES_REVIEWER = [
    "/web/check", "/web/lists", "/web/lists/cn-tax-first-offense/versions/2021-33", "/web/items/cn-tax-2021-6/03",
    "/web/lists/diff?from=cn-tax-first-offense@2021-6&to=cn-tax-first-offense@2021-33", "/web/decisions",
    "/web/scenarios",
]


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.assets = [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a.get("id") or a.get("name") or tag)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        for key in ("src", "href", "action"):
            if tag in ("script", "link", "img", "iframe", "form") and a.get(key):
                self.assets.append(a[key])


def _parse(html: str) -> _Controls:
    p = _Controls()
    p.feed(html)
    return p


def test_login_page_and_unauthenticated_redirect(web_server):
    with httpx.Client(base_url=web_server.url) as c:
        r = c.get("/web/check")
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
        r = c.get("/web/login")
        assert r.status_code == 200 and "登录工作台" in r.text
        assert "Content-Security-Policy" in r.headers and r.headers["Cache-Control"] == "no-store"


def test_login_sets_strict_httponly_cookie_and_wrong_key_is_refused(web_server):
    with httpx.Client(base_url=web_server.url) as c:
        token = csrf_of(c.get("/web/login").text)
        r = c.post("/web/login", data={"csrf_token": token, "api_key": "not-a-key"})
        assert r.status_code == 401 and "API 密钥" in r.text
        token = csrf_of(r.text)
        r = c.post("/web/login", data={"csrf_token": token, "api_key": web_server.keys["officer"]})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "pr_web_session=" in cookie and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        assert web_server.keys["officer"] not in cookie  # the session holds the key's hash, never the key


def test_login_without_the_form_token_is_refused(web_server):
    with httpx.Client(base_url=web_server.url) as c:
        r = c.post("/web/login", data={"csrf_token": "forged", "api_key": web_server.keys["officer"]})
        assert r.status_code == 403 and "pr_web_session" not in r.headers.get("set-cookie", "")


def test_tampered_session_cookie_is_not_a_session(web_server):
    c = login_client(web_server, "officer")
    try:
        value = c.cookies.get("pr_web_session")
        body, mac = value.split(".")
        c.cookies.clear()
        c.cookies.set("pr_web_session", body + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB"), path="/web")
        r = c.get("/web/check")
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
    finally:
        c.close()


@pytest.mark.parametrize("path, data", [
    ("/web/check", {"conduct": "未按照规定期限办理纳税申报"}),
    ("/web/logout", {}),
    ("/web/scenarios/run", {"tag": "x"}),
])
def test_every_form_needs_the_csrf_token(reviewer_web, path, data):
    r = reviewer_web.post(path, data={**data, "csrf_token": "wrong"})
    assert r.status_code == 403 and "安全令牌" in r.text


def test_replay_form_needs_the_csrf_token(officer_web, reviewer_web):
    html = officer_web.get("/web/check").text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "item_id": "cn-tax-2021-6/03"})
    decision_id = re.search(r'id="decision-id">([0-9a-f-]+)<', r.text).group(1)
    r = reviewer_web.post(f"/web/decisions/{decision_id}/replay", data={"csrf_token": "x", "as_of": "2024-01-01"})
    assert r.status_code == 403 and "安全令牌" in r.text


@pytest.mark.parametrize("path", ["/web/lists", "/web/decisions", "/web/scenarios", "/web/items/cn-tax-2021-6/03",
                                  "/web/lists/diff?from=a@1&to=b@2"])
def test_officers_see_no_reviewer_pages(officer_web, path):
    r = officer_web.get(path)
    assert r.status_code == 403
    assert "无权访问" in r.text and "法制审核人员" in r.text


def test_officer_nav_has_no_reviewer_links(officer_web):
    html = officer_web.get("/web/check").text
    assert 'href="/web/lists"' not in html and 'href="/web/decisions"' not in html


@pytest.mark.parametrize("path", PAGES_REVIEWER)
def test_pages_label_every_input_and_load_nothing_from_outside(reviewer_web, path):
    r = reviewer_web.get(path)
    assert r.status_code == 200, r.text[:500]
    assert 'lang="zh-CN"' in r.text
    p = _parse(r.text)
    unlabeled = [c for c in p.controls if c not in p.label_for]
    assert unlabeled == [], f"{path}: controls without <label for>: {unlabeled}"
    outside = [a for a in p.assets if a.startswith(("http:", "https:", "//"))]
    assert outside == [], f"{path}: assets from outside the service: {outside}"
    assert "Server-Timing" in r.headers


def test_static_assets_are_served_locally(web_server):
    for name in ("style.css", "web.js"):
        r = httpx.get(f"{web_server.url}/web/static/{name}")
        assert r.status_code == 200 and len(r.text) > 100


def test_case_form_errors_name_the_field(officer_web):
    html = officer_web.get("/web/check").text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "item_id": "cn-tax-2021-6/03",
                                             "act_date": "2023-03-01", "decision_date": "2022-01-01"})
    assert r.status_code == 422 and "decision_date" in r.text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "illegal_gains_yuan": "十元"})
    assert r.status_code == 422 and "illegal_gains_yuan" in r.text and "数字" in r.text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "case_ref": "电话13912345678"})
    assert r.status_code == 422 and "case_ref" in r.text


def test_personal_data_in_conduct_is_masked_in_the_audit_log(officer_web, reviewer_web):
    html = officer_web.get("/web/check").text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "item_id": "cn-tax-2021-6/03",
                                             "conduct": "未按期申报, 联系电话 13912345678"})
    assert r.status_code == 200
    decision_id = re.search(r'id="decision-id">([0-9a-f-]+)<', r.text).group(1)
    page = reviewer_web.get(f"/web/decisions/{decision_id}").text
    assert "13912345678" not in page and "〔手机号" in page


def test_suggestions_come_from_the_search(officer_web):
    r = officer_web.get("/web/suggest", params={"q": "没按时报税"})
    hits = r.json()["hits"]
    assert hits and hits[0]["binding"] and "纳税申报" in hits[0]["violation"]


def test_scenario_run_of_one_feature(reviewer_web):
    html = reviewer_web.get("/web/scenarios").text
    r = reviewer_web.post("/web/scenarios/run", data={"csrf_token": csrf_of(html),
                                                      "feature": "road_traffic/liaocheng-practice.feature"},
                          timeout=600)
    assert r.status_code == 200, r.text[-1000:]
    assert "共 " in r.text and "通过" in r.text
    name = re.search(r'/web/scenarios/reports/(scenarios-[0-9a-f-]+\.html)', r.text).group(1)
    report = reviewer_web.get(f"/web/scenarios/reports/{name}")
    assert report.status_code == 200 and "场景运行报告" in report.text
    assert "default-src 'none'" in report.headers["Content-Security-Policy"]


def test_scenario_run_refuses_unknown_feature(reviewer_web):
    html = reviewer_web.get("/web/scenarios").text
    r = reviewer_web.post("/web/scenarios/run", data={"csrf_token": csrf_of(html), "feature": "../../etc/passwd"})
    assert r.status_code == 422 and "场景文件" in r.text


def test_officer_drafts_the_decision_document_from_the_page(officer_web):
    html = officer_web.get("/web/check").text
    r = officer_web.post("/web/check", data={
        "csrf_token": csrf_of(html), "item_id": "cn-tax-2021-6/03", "act_date": "2023-03-01",
        "decision_date": "2023-04-10", "party_type": "enterprise", "corrected": "before_discovery", "harm": "none",
        "first_offense": "true"})
    assert r.status_code == 200 and 'id="outcome">不予处罚<' in r.text, r.text[-2000:]
    assert 'id="document-form"' in r.text
    decision_id = re.search(r'id="decision-id">([0-9a-f-]+)<', r.text).group(1)
    r = officer_web.post(f"/web/decisions/{decision_id}/document",
                         data={"csrf_token": csrf_of(html), "format": "docx", "agency_name": "聊城市某局"})
    assert r.status_code == 200, r.text[-1500:]
    assert r.content[:2] == b"PK" and "attachment" in r.headers["content-disposition"]


def test_discretionary_no_penalty_can_be_drafted_from_the_page(officer_web):
    """可以不予处罚: the form offers the agency's choice (labelled), and only with it ticked is the
    不予行政处罚决定书 drafted."""
    html = officer_web.get("/web/check").text
    r = officer_web.post("/web/check", data={
        "csrf_token": csrf_of(html), "conduct": "在公共场所张贴小广告", "act_date": "2025-03-01",
        "decision_date": "2025-04-01", "party_type": "enterprise", "corrected": "promptly", "harm": "minor",
        "first_offense": "true", "minor_violation": "false"})
    assert r.status_code == 200 and 'id="doc-discretion"' in r.text, r.text[-2000:]
    parsed = _parse(r.text)
    assert "doc-discretion" in parsed.label_for
    decision_id = re.search(r'id="decision-id">([0-9a-f-]+)<', r.text).group(1)
    url = f"/web/decisions/{decision_id}/document"
    r = officer_web.post(url, data={"csrf_token": csrf_of(html), "format": "docx"})
    assert r.status_code == 409 and "裁量" in r.text
    r = officer_web.post(url, data={"csrf_token": csrf_of(html), "format": "docx", "discretion_no_penalty": "true"})
    assert r.status_code == 200 and r.content[:2] == b"PK", r.text[-1500:]


def test_decision_page_names_the_version_that_decided(web_server, reviewer_web):
    """The record page shows decided_by (行政处罚法(2021) 第三十六条: two years run, no harm → xzcf@2021)."""
    facts = {"jurisdiction": "371502", "domain": "market", "act_date": "2021-09-01", "discovered_date": "2024-03-01",
             "harm": "none", "continuing": False, "decision_date": "2024-04-01"}
    with web_server.client("officer") as o:
        decision_id = o.post("/v1/evaluate", json=facts).json()["decision_id"]
    page = reviewer_web.get(f"/web/decisions/{decision_id}").text
    assert re.search(r'id="record-decided-by"><code>xzcf@2021</code>', page)
    r = reviewer_web.post(f"/web/decisions/{decision_id}/replay", data={"csrf_token": csrf_of(page), "as_of": "2024-04-01"})
    assert r.status_code == 200, r.text
    assert r.text.count("<dt>作出结论的版本</dt><dd><code>xzcf@2021</code>") == 2  # the record's side and the replay's


def test_case_form_offers_every_correction_in_its_words(officer_web):
    # a correction after the deadline of an order and one before any order have their own answers
    html = officer_web.get("/web/check").text
    for value, label in (("after_deadline", "超过责令改正的期限后才改正"),
                         ("voluntarily_after_discovery", "在行政机关发现后、责令改正前主动改正")):
        assert f'value="{value}"' in html and label in html
