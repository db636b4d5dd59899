"""`penalty-rules document DECISION.json` as an officer runs it (subprocess): from an evaluate
response (`check --json`) and from a stored decision record, and the refusals."""

import io
import json
import subprocess
import sys
from pathlib import Path

from docx import Document

from document_cases import CASES

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _check_json(tmp_path, case: str) -> Path:
    facts = tmp_path / f"{case}-facts.json"
    facts.write_text(json.dumps(CASES[case], ensure_ascii=False), encoding="utf-8")
    r = _cli("check", facts, "--json", "--no-durable")
    assert r.returncode == 0, r.stderr
    out = tmp_path / f"{case}-decision.json"
    out.write_text(r.stdout, encoding="utf-8")
    return out


def test_document_from_an_evaluate_response(tmp_path, statutes_dir):
    decision = _check_json(tmp_path, "tax_first")
    out = tmp_path / "doc.docx"
    r = _cli("document", decision, "--party-name", "聊城市某商贸有限公司", "--case-ref", "LC-CLI-1", "--out", out,
             "--review-body", "国家税务总局聊城市税务局")
    assert r.returncode == 0, r.stderr
    assert "已写入" in r.stdout and "[evidence_missing]" in r.stderr and "[review_body_tax]" in r.stderr
    texts = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert texts[0] == "不予税务行政处罚决定书"  # the item's domain is tax
    assert "当事人：聊城市某商贸有限公司" in texts and "办案编号：LC-CLI-1" in texts
    assert any("国家税务总局聊城市税务局申请行政复议" in t for t in texts)


def test_document_from_a_stored_record(tmp_path, decide, statutes_dir):
    decision, facts = decide("minor_33")
    record = {"id": "00000000-0000-4000-8000-000000000001", "created_at": "2025-04-01T08:00:00Z",
              "kind": "evaluate", "batch_id": None, "batch_index": None, "requested_item": None,
              "chosen_item": decision.chosen_item, "outcome": decision.outcome, "items": [],
              "basis": [b.label for b in decision.basis], "facts": facts, "rulesets": decision.rulesets,
              "ruleset_version": "x", "engine_version": "x", "trace_version": "2.0",
              "decision_date": facts["decision_date"], "api_key": "dev-officer", "case_ref": "LC-REC-9"}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    r = _cli("document", path, "--out", tmp_path / "rec.docx")
    assert r.returncode == 0, r.stderr
    texts = [p.text for p in Document(io.BytesIO((tmp_path / "rec.docx").read_bytes())).paragraphs]
    assert "不予行政处罚决定书" in texts and "办案编号：LC-REC-9" in texts
    assert any("有“在公共场所张贴小广告”的行为" in t for t in texts)  # facts found from the record's facts

    path.write_text(json.dumps({**record, "outcome": "lighter_penalty"}, ensure_ascii=False), encoding="utf-8")
    r = _cli("document", path, "--out", tmp_path / "x.docx")
    assert r.returncode == 1 and "decision_not_reproducible" in r.stderr and not (tmp_path / "x.docx").exists()


def test_a_normal_decision_is_refused(tmp_path, statutes_dir):
    decision = _check_json(tmp_path, "tax_normal")
    r = _cli("document", decision, "--out", tmp_path / "n.docx")
    assert r.returncode == 1 and "outcome_not_lenient" in r.stderr and "依法处罚" in r.stderr
    assert not (tmp_path / "n.docx").exists()
    r = _cli("document", decision, "--format", "odt")
    assert r.returncode == 2 and "format" in r.stderr


def test_an_edited_outcome_is_refused(tmp_path, statutes_dir):
    """A normal decision whose outcome was edited to no_penalty: no ground → refused (ground_missing);
    a 从轻 decision edited to no_penalty: the trace's deciding rule says otherwise → refused."""
    path = _check_json(tmp_path, "tax_normal")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["outcome"] == "normal"
    path.write_text(json.dumps({**data, "outcome": "no_penalty", "outcome_zh": "不予处罚"}, ensure_ascii=False),
                    encoding="utf-8")
    r = _cli("document", path, "--out", tmp_path / "e.docx")
    assert r.returncode == 1 and "ground_missing" in r.stderr and not (tmp_path / "e.docx").exists()

    path = _check_json(tmp_path, "art32")
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "outcome": "no_penalty"}, ensure_ascii=False), encoding="utf-8")
    r = _cli("document", path, "--out", tmp_path / "f.docx")
    assert r.returncode == 1 and "decision_inconsistent" in r.stderr and not (tmp_path / "f.docx").exists()


def test_party_kind_id_and_legal_representative_options(tmp_path, statutes_dir):
    decision = _check_json(tmp_path, "art32")
    out = tmp_path / "p.docx"
    r = _cli("document", decision, "--party-name", "某某有限公司", "--party-kind", "entity", "--party-id",
             "91371500MA00000000", "--legal-representative", "王某", "--leniency-choice", "lighter_penalty",
             "--on-the-spot", "--out", out)
    assert r.returncode == 0, r.stderr
    texts = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert "统一社会信用代码：91371500MA00000000" in texts and "法定代表人(负责人)：王某" in texts
    assert any(t.startswith("住所：") for t in texts)
    assert any("决定对当事人从轻处罚" in t for t in texts)
    assert any("应当先" in t and "申请行政复议" in t for t in texts)  # decided on the spot (2025): review first
