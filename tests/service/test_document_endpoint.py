"""POST /v1/decisions/{id}/document through the real service (uvicorn subprocess; SQLite audit log):
the file, its headers, the refusals, who may draft, and that the party the officer fills in is
neither stored in the audit database nor written to the server's log."""

import io
import shutil
import sqlite3
import uuid

import pytest
from docx import Document

NO_PENALTY = {"conduct": "在公共场所张贴小广告", "act_date": "2025-03-01", "decision_date": "2025-04-01",
              "party_type": "enterprise", "circumstances": [], "harm": "none", "corrected": "promptly",
              "minor_violation": True}
NORMAL = {"item_id": "cn-tax-2021-6/03", "act_date": "2025-03-01", "decision_date": "2025-04-01",
          "party_type": "enterprise", "circumstances": [], "first_offense": False, "harm": "serious",
          "corrected": "not_corrected", "minor_violation": False}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _evaluate(client, facts, **params) -> str:
    r = client.post("/v1/evaluate", json=facts, params=params)
    assert r.status_code == 200, r.text
    return r.json()["decision_id"]


def _texts(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_no_penalty_document_as_docx(server, officer):
    decision_id = _evaluate(officer, NO_PENALTY, case_ref="LC-REC-2025-7")
    r = officer.post(f"/v1/decisions/{decision_id}/document",
                     json={"party": {"kind": "entity", "name": "某便利店"}, "agency_name": "聊城市东昌府区综合行政执法局"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"no-penalty-LC-REC-2025-7.docx\"")
    assert "filename*=UTF-8''" in disposition
    assert r.headers["x-document-kind"] == "no_penalty" and r.headers["cache-control"] == "no-store"
    assert "evidence_missing" in r.headers["x-document-flags"].split(",")
    texts = _texts(r.content)
    assert "不予行政处罚决定书" in texts and "当事人：某便利店" in texts
    assert "办案编号：LC-REC-2025-7" in texts  # from the audit record (the evaluation's case_ref)
    assert any("第三十三条第一款" in t and t.endswith("本机关决定不予行政处罚。") for t in texts)


def test_party_details_are_not_stored_nor_logged(server, officer, reviewer):
    tag = uuid.uuid4().hex[:8]
    party = {"kind": "individual", "name": f"测试当事人{tag}", "id_number": f"ID-{tag}-X",
             "address": f"聊城市测试路{tag}号", "phone": f"TEL{tag}"}
    decision_id = _evaluate(officer, NO_PENALTY)
    r = officer.post(f"/v1/decisions/{decision_id}/document", json={"party": party, "case_ref": f"LC-{tag}"})
    assert r.status_code == 200, r.text
    texts = _texts(r.content)
    assert f"当事人：{party['name']}" in texts and f"住址：{party['address']}" in texts  # it reached the document
    bad = officer.post(f"/v1/decisions/{decision_id}/document", json={"party": party, "format": "odt"})
    assert bad.status_code == 422 and tag not in bad.text
    assert reviewer.get(f"/v1/decisions/{decision_id}").status_code == 200

    secrets = [party["name"], party["id_number"], party["address"], party["phone"]]
    db = server.var / "audit.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert "decisions" in tables
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                flat = " ".join(str(v) for v in row)
                assert not [s for s in secrets if s in flat], (table, row)
    for path in server.var.rglob("*"):  # the database with its WAL, the server log, anything else
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets if s.encode() in data], path
    assert tag not in server.output()


def test_refusals(server, officer, reviewer):
    unknown = str(uuid.uuid4())
    r = officer.post(f"/v1/decisions/{unknown}/document", json={})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_decision"

    normal = _evaluate(officer, NORMAL)
    r = officer.post(f"/v1/decisions/{normal}/document", json={"kind": "no_penalty"})
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "outcome_not_lenient" and "依法处罚" in err["message_zh"]
    assert err["details"][0]["field"] == "kind"

    lenient = _evaluate(officer, NO_PENALTY)
    r = officer.post(f"/v1/decisions/{lenient}/document", json={"kind": "leniency_section"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "kind_mismatch"
    r = officer.post(f"/v1/decisions/{lenient}/document", json={"format": "odt", "party": {"nickname": "x"}})
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"format", "party.nickname"} <= fields
    r = officer.post(f"/v1/decisions/{lenient}/document", json={"party": {"name": "某\u0000公司"}, "case_ref": "A\nB"})
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {"party.name", "case_ref"}
    r = officer.post(f"/v1/decisions/{lenient}/document", content=b"format=docx",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    with server.client(None) as anonymous:
        assert anonymous.post(f"/v1/decisions/{lenient}/document", json={}).status_code == 401


def test_officers_draft_for_their_own_decisions_reviewers_for_any(server, officer, reviewer):
    by_reviewer = _evaluate(reviewer, NO_PENALTY)
    r = officer.post(f"/v1/decisions/{by_reviewer}/document", json={})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert reviewer.post(f"/v1/decisions/{by_reviewer}/document", json={}).status_code == 200
    by_officer = _evaluate(officer, NO_PENALTY)
    assert reviewer.post(f"/v1/decisions/{by_officer}/document", json={}).status_code == 200


def test_pdf_through_the_service(server, officer):
    from penalty_rules.documents.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("!!! 未安装 chromium: PDF 接口测试跳过 (make setup) !!!")
    decision_id = _evaluate(officer, NO_PENALTY)
    r = officer.post(f"/v1/decisions/{decision_id}/document", json={"format": "pdf", "case_ref": "LC-PDF-1"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert "filename=\"no-penalty-LC-PDF-1.pdf\"" in r.headers["content-disposition"]
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout
        assert "不予行政处罚决定书" in text.decode()


def test_pdf_without_chromium_is_503_and_docx_still_works(inprocess_app):
    client = inprocess_app(PENALTY_RULES_CHROMIUM="/nonexistent/chromium")
    key = __import__("json").loads((client.app.state.settings.var_dir / "dev-keys.json").read_text())
    headers = {"X-API-Key": next(k["key"] for k in key["keys"] if k["role"] == "officer")}
    r = client.post("/v1/evaluate", json=NO_PENALTY, headers=headers)
    assert r.status_code == 200, r.text
    decision_id = r.json()["decision_id"]
    r = client.post(f"/v1/decisions/{decision_id}/document", json={"format": "pdf"}, headers=headers)
    assert r.status_code == 503, r.text
    err = r.json()["error"]
    assert err["code"] == "pdf_renderer_unavailable" and "Chromium" in err["message_zh"]
    r = client.post(f"/v1/decisions/{decision_id}/document", json={"format": "docx"}, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"] == DOCX


def test_document_date_earlier_is_422_later_is_evaluated_again(server, officer):
    decision_id = _evaluate(officer, NO_PENALTY)
    r = officer.post(f"/v1/decisions/{decision_id}/document", json={"decision_date": "2025-03-31"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "document_date_before_decision" and err["details"][0]["field"] == "decision_date"
    assert "早于" in err["message_zh"]
    r = officer.post(f"/v1/decisions/{decision_id}/document", json={"decision_date": "2025-05-06"})
    assert r.status_code == 200, r.text
    flags = r.headers["x-document-flags"].split(",")
    assert "document_date_reevaluated" in flags and "document_date_differs" not in flags
    assert "2025年5月6日" in _texts(r.content)


def test_correction_deadline_not_after_the_document_is_422(server, officer):
    """责令改正 looks forward: a deadline on the document date (the decision date here) is the
    request's error (422, field correction_deadline), not the decision's (409)."""
    lighter = _evaluate(officer, {**NO_PENALTY, "minor_violation": False, "harm": "serious", "first_offense": False,
                                  "corrected": "not_corrected", "circumstances": ["eliminated_harm"]})
    r = officer.post(f"/v1/decisions/{lighter}/document", json={"leniency_choice": "lighter_penalty",
                                                                "correction_deadline": "2025-04-01"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "correction_deadline_not_after_document" and err["details"][0]["field"] == "correction_deadline"


def test_discretionary_and_leniency_choices_through_the_service(server, officer):
    may = _evaluate(officer, {**NO_PENALTY, "minor_violation": False, "harm": "minor", "first_offense": True})
    r = officer.post(f"/v1/decisions/{may}/document", json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "discretion_not_exercised"
    r = officer.post(f"/v1/decisions/{may}/document", json={"discretion_no_penalty": True})
    assert r.status_code == 200 and any("经裁量" in t for t in _texts(r.content))
    lighter = _evaluate(officer, {**NO_PENALTY, "minor_violation": False, "harm": "serious", "first_offense": False,
                                  "corrected": "not_corrected", "circumstances": ["eliminated_harm"]})
    r = officer.post(f"/v1/decisions/{lighter}/document", json={"leniency_choice": "reduced_penalty",
                                                                "on_the_spot": False})
    assert r.status_code == 200, r.text
    assert any("决定对当事人减轻处罚" in t for t in _texts(r.content))
    assert "on_the_spot_unknown" not in r.headers["x-document-flags"].split(",")


def test_party_details_of_a_pdf_are_not_stored_nor_logged_nor_left_behind(server, officer):
    import tempfile
    from pathlib import Path

    from penalty_rules.documents.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("!!! 未安装 chromium: PDF 隐私测试跳过 (make setup) !!!")
    tag = uuid.uuid4().hex[:8]
    party = {"kind": "individual", "name": f"PDF当事人{tag}", "id_number": f"PID-{tag}",
             "address": f"聊城市PDF路{tag}号", "phone": f"PTEL{tag}"}
    decision_id = _evaluate(officer, NO_PENALTY)
    r = officer.post(f"/v1/decisions/{decision_id}/document", json={"party": party, "format": "pdf"})
    assert r.status_code == 200, r.text
    secrets = [party["name"], party["id_number"], party["address"], party["phone"]]
    for path in server.var.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets if s.encode() in data], path
    assert tag not in server.output()
    # nothing of the rendering (HTML with the party, Chromium profile) is left in the temp folder
    assert not list(Path(tempfile.gettempdir()).glob("penalty-rules-pdf-*"))
