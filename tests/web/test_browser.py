"""End-to-end: headless Chromium against the real service. An officer logs in, fills the case
form by keyboard only and submits it with Enter, answers the questions until a firm outcome; a
reviewer opens that decision and replays it under another list version, and opens a version diff
with its impact. Screenshots are saved under var/test-artifacts/ and checked: a PNG, not empty, and
the Chinese heading rendered (dark pixels across its box, a CJK font installed)."""

import time

import httpx
import pytest
from webtest_helpers import cjk_fonts, dark_share, distinct_columns

CONDUCT = "未按照规定期限办理纳税申报"
CASE_REF = "WEB-E2E-0001"


def _wait(driver, predicate, timeout=60, what="page"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - the page may be between loads
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {driver.current_url}")


def _login(driver, server, role):
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(server.url + "/web/login")
    box = driver.find_element(By.ID, "api_key")
    box.send_keys(server.keys[role])
    box.submit()
    _wait(driver, lambda: "/web/check" in driver.current_url, what="log-in")


def _shot(driver, artifacts, name: str, heading_id: str = "page-title") -> str:
    """Save a screenshot and check it: a real PNG, and the Chinese heading drawn with ink across
    its box (a missing CJK font draws nothing or a few boxes)."""
    from selenium.webdriver.common.by import By

    path = artifacts / name
    png = driver.get_screenshot_as_png()
    path.write_bytes(png)
    print(f"截图: {path}")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000, f"{path}: empty or not a PNG"
    el = driver.find_element(By.ID, heading_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", el)
    png = driver.get_screenshot_as_png()
    path.write_bytes(png)
    rect = driver.execute_script(
        "const g = document.createRange(); g.selectNodeContents(arguments[0]); const r = g.getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height, window.devicePixelRatio];", el)  # the text's own box
    x, y, w, h, ratio = rect
    box = (int(x * ratio), int(y * ratio), int(w * ratio), int(h * ratio))
    share = dark_share(png, box)
    cols = distinct_columns(png, box)
    text = el.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"heading without Chinese: {text!r}"
    assert share > 0.05, f"{path}: heading {text!r} has almost no ink ({share:.3f}): Chinese text not rendered?"
    assert cols > 8 * len(text.replace(" ", "")) * 0.5, f"{path}: heading ink in only {cols} columns"
    return str(path)


def test_cjk_font_installed(browser):
    """Where the browser runs, a CJK font must be installed (Debian fonts-noto-cjk)."""
    fonts = cjk_fonts()
    assert fonts, "fc-list :lang=zh finds no CJK font: Chinese pages would render as boxes (install fonts-noto-cjk)"


def test_officer_case_by_keyboard_until_firm_outcome(browser, web_server, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    d = browser
    _login(d, web_server, "officer")
    d.get(web_server.url + "/web/check")
    # Accessibility: every visible form control has a <label for=…>.
    unlabeled = d.execute_script("""
        return [...document.querySelectorAll('input, select, textarea')]
          .filter(e => e.type !== 'hidden' && !(e.id && document.querySelector('label[for="' + e.id + '"]')))
          .map(e => e.name || e.id);""")
    assert unlabeled == [], f"controls without <label for>: {unlabeled}"

    # Keyboard only: Tab from the top of the page to each field, type, and submit with Enter.
    body = d.find_element(By.TAG_NAME, "body")
    body.click()

    def tab_to(element_id, limit=80):
        for _ in range(limit):
            if d.switch_to.active_element.get_attribute("id") == element_id:
                return d.switch_to.active_element
            d.switch_to.active_element.send_keys(Keys.TAB)
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("f-case_ref").send_keys(CASE_REF)
    tab_to("f-conduct").send_keys(CONDUCT)
    # the suggestions (from the search) appear under the conduct field
    _wait(d, lambda: d.find_elements(By.CSS_SELECTOR, "#suggestions button.suggestion"), what="suggestions")
    first = d.find_elements(By.CSS_SELECTOR, "#suggestions button.suggestion")[0]
    assert "纳税申报" in first.text
    tab_to("f-item_id")
    tab_to("f-party_type").send_keys("企")  # type-ahead selects 企业
    assert Select(d.find_element(By.ID, "f-party_type")).first_selected_option.text == "企业"
    tab_to("f-violated_law")
    d.switch_to.active_element.send_keys(Keys.ENTER)  # implicit submission: the default button 评估
    _wait(d, lambda: d.find_elements(By.ID, "outcome"), what="decision")
    assert d.find_element(By.ID, "outcome").text == "尚不能确定"
    shots = [_shot(d, artifacts, "web-check-question.png", "result-title")]

    # Answer the next question until the outcome is firm.
    for _ in range(15):
        if not d.find_elements(By.ID, "next-question"):
            break
        kind = d.find_element(By.CSS_SELECTOR, "input[name=answer_type]").get_attribute("value")
        fact = d.find_element(By.CSS_SELECTOR, "input[name=answer_fact]").get_attribute("value")
        if kind in ("boolean", "enum"):
            d.find_element(By.ID, "answer-1").click()
        elif kind == "date":
            d.execute_script("arguments[0].value = arguments[1];", d.find_element(By.ID, "answer"),
                             "1980-05-01" if fact == "birth_date" else "2023-03-01")
        elif kind in ("number", "integer"):
            d.find_element(By.ID, "answer").send_keys("0")
        elif kind == "text":
            d.find_element(By.ID, "answer").send_keys("中华人民共和国税收征收管理法")
        old = d.find_element(By.ID, "decision-id").text
        d.find_element(By.ID, "answer-submit").click()
        _wait(d, lambda: d.find_element(By.ID, "decision-id").text != old, what="re-evaluation")
    outcome = d.find_element(By.ID, "outcome").text
    assert outcome == "不予处罚", outcome
    page = d.find_element(By.ID, "result").text
    assert "国家税务总局公告2021年第33号" in page and "第三十三条第一款" in page
    assert "对当事人进行教育" in page
    shots.append(_shot(d, artifacts, "web-check-outcome.png", "result-title"))
    decision_id = d.find_element(By.ID, "decision-id").text

    # The evaluation is in the audit log like an API evaluation: the officer's key, the case reference.
    r = httpx.get(f"{web_server.url}/v1/decisions/{decision_id}", headers={"X-API-Key": web_server.keys["reviewer"]})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["outcome"] == "no_penalty" and rec["api_key"] == "dev-officer"
    assert rec["facts"]["conduct"] == CONDUCT

    # Officers see no reviewer pages: a Chinese 403 page.
    d.get(web_server.url + "/web/lists")
    assert "无权访问" in d.find_element(By.ID, "page-title").text
    shots.append(_shot(d, artifacts, "web-officer-403.png"))
    test_officer_case_by_keyboard_until_firm_outcome.decision_id = decision_id
    print("\n".join(shots))


def test_reviewer_replays_decision_and_reads_diff(browser, web_server, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser
    decision_id = getattr(test_officer_case_by_keyboard_until_firm_outcome, "decision_id", None)
    if decision_id is None:
        pytest.skip("依赖上一个测试产生的决定")
    _login(d, web_server, "reviewer")
    d.get(web_server.url + "/web/decisions?case_ref=" + CASE_REF)
    rows = d.find_elements(By.CSS_SELECTOR, "#decisions tbody tr")
    assert rows and all(CASE_REF in r.text for r in rows), [r.text for r in rows]
    shots = [_shot(d, artifacts, "web-decisions.png")]
    d.find_element(By.CSS_SELECTOR, f"#decisions a[href='/web/decisions/{decision_id}']").click()
    _wait(d, lambda: d.find_elements(By.ID, "record-id"), what="decision page")
    assert d.find_element(By.ID, "record-outcome").text == "不予处罚"
    # the earlier version ended before the act (2023-03-01): replay refuses, naming the reason in Chinese
    Select(d.find_element(By.ID, "replay-version")).select_by_value("cn-tax-first-offense@2021-6")
    d.find_element(By.ID, "replay-submit").click()
    _wait(d, lambda: d.find_elements(By.CSS_SELECTOR, ".error[role=alert]") or d.find_elements(By.ID, "replay-result"),
          what="replay")
    if d.find_elements(By.CSS_SELECTOR, ".error[role=alert]"):
        assert "重放" in d.find_element(By.CSS_SELECTOR, ".error[role=alert]").text
    Select(d.find_element(By.ID, "replay-version")).select_by_value("cn-tax-first-offense@2021-33")
    d.execute_script("arguments[0].value = '2025-06-30';", d.find_element(By.ID, "replay-as_of"))
    d.find_element(By.ID, "replay-submit").click()
    _wait(d, lambda: d.find_elements(By.ID, "replay-result"), what="replay")
    text = d.find_element(By.ID, "replay-result").text
    assert "cn-tax-first-offense@2021-33" in text and "按 2025-06-30" in text, text
    assert "原决定" in text and "结果:" in d.find_element(By.ID, "replay-changes").text
    shots.append(_shot(d, artifacts, "web-replay.png", "replay-title"))

    # A decision whose replay under the earlier version changes: an act of 2021-06-01 decided in 2023
    # under an item the 2021-33 list added (art. 37: the milder later list applies); under 2021-6 the
    # item is not there.
    facts = {"item_id": "cn-tax-2021-33/01", "act_date": "2021-06-01", "decision_date": "2023-01-10",
             "party_type": "enterprise", "corrected": "before_discovery", "harm": "none", "first_offense": True,
             "illegal_gains_yuan": 0}
    r = httpx.post(f"{web_server.url}/v1/evaluate", params={"case_ref": "WEB-E2E-0002"}, json=facts,
                   headers={"X-API-Key": web_server.keys["officer"]}, timeout=60)
    assert r.status_code == 200 and r.json()["outcome"] == "no_penalty", r.text
    d.get(f"{web_server.url}/web/decisions/{r.json()['decision_id']}")
    Select(d.find_element(By.ID, "replay-version")).select_by_value("cn-tax-first-offense@2021-6")
    d.find_element(By.ID, "replay-submit").click()
    _wait(d, lambda: d.find_elements(By.ID, "replay-result"), what="replay with changes")
    text = d.find_element(By.ID, "replay-result").text
    assert "结果 不予处罚 → 尚不能确定" in text, text
    changes = d.find_element(By.ID, "replay-changes").text
    assert "结果: 有变化" in changes and "待补事实: 新增" in changes, changes
    shots.append(_shot(d, artifacts, "web-replay-changed.png", "replay-title"))

    d.get(web_server.url + "/web/lists")
    Select(d.find_element(By.ID, "diff-from")).select_by_value("cn-tax-first-offense@2021-6")
    Select(d.find_element(By.ID, "diff-to")).select_by_value("cn-tax-first-offense@2021-33")
    d.find_element(By.CSS_SELECTOR, "form[action='/web/lists/diff'] button").click()
    _wait(d, lambda: d.find_elements(By.ID, "diff-summary"), what="diff")
    d.find_element(By.ID, "diff-impact").click()
    d.find_element(By.CSS_SELECTOR, "form[action='/web/lists/diff'] button").click()
    _wait(d, lambda: d.find_elements(By.ID, "impact-summary"), what="impact")
    summary = d.find_element(By.ID, "diff-summary").text
    assert "新增 2 条" in summary, summary
    assert d.find_elements(By.CSS_SELECTOR, "table.sbs td.old") and d.find_elements(By.CSS_SELECTOR, "table.sbs td.new")
    shots.append(_shot(d, artifacts, "web-diff.png"))

    d.get(web_server.url + "/web/items/cn-tax-2021-6/03")
    assert "纳税申报" in d.find_element(By.ID, "page-title").text
    shots.append(_shot(d, artifacts, "web-item.png"))
    print("\n".join(shots))


def test_trainer_runs_a_feature_and_reads_the_report(browser, web_server, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser
    _login(d, web_server, "reviewer")
    d.get(web_server.url + "/web/scenarios")
    Select(d.find_element(By.ID, "sc-feature")).select_by_value("road_traffic/liaocheng-practice.feature")
    d.find_element(By.ID, "scenario-run").click()
    _wait(d, lambda: d.find_elements(By.ID, "scenario-result") or d.find_elements(By.CSS_SELECTOR, ".error"),
          timeout=600, what="scenario run")
    result = d.find_element(By.ID, "scenario-result").text
    assert "通过" in result and "失败 0" in result, result
    d.switch_to.frame(d.find_element(By.CSS_SELECTOR, "iframe.report"))
    assert "场景运行报告" in d.find_element(By.TAG_NAME, "body").text
    d.switch_to.default_content()
    print(_shot(d, artifacts, "web-scenarios.png", "scenario-summary"))
