"""行政处罚法(2021-01-22) 第三十二条: “当事人有下列情形之一，应当从轻或者减轻行政处罚：（一）主动消除或者减轻违法行为
危害后果的；” (the 2017 text's 第二十七条第一款第（一）项 has the same words). The circumstance presupposes a harm that the
act caused: the party eliminated or lessened it. 危害后果 none (没有造成危害后果) beside 情节 eliminated_harm contradicts
itself: refused as inconsistent_facts naming circumstances (and the harm answer in the message), at every boundary that
reads facts (the model, the JSON reading of the API and `penalty-rules check`, a replay row counted as bad), as
safety_related beside harm none is (test_limitation_harm.py)."""

import json
from datetime import date

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from penalty_rules.model.facts import INCONSISTENT_FACTS, CaseFacts
from penalty_rules.model.facts_json import validate_facts_value

BASE = dict(domain="ecology", party_type="enterprise", first_offense=False, corrected="not_corrected",
            minor_violation=False, act_date=date(2024, 3, 1), decision_date=date(2024, 6, 1), continuing=False)
ROW = {**{k: (v.isoformat() if isinstance(v, date) else v) for k, v in BASE.items()},
       "harm": "none", "circumstances": ["eliminated_harm"]}


def test_eliminated_harm_beside_no_harm_is_refused_naming_the_fields():
    with pytest.raises(ValidationError) as e:
        CaseFacts(**BASE, harm="none", circumstances=["cooperated", "eliminated_harm"])
    err = e.value.errors()[0]
    assert err["type"] == INCONSISTENT_FACTS and err["ctx"]["field"] == "circumstances"
    assert "harm" in err["msg"] and "eliminated_harm" in err["msg"]


def test_the_json_boundary_refuses_it_too():
    with pytest.raises(ValidationError) as e:
        validate_facts_value(ROW)
    assert e.value.errors()[0]["type"] == INCONSISTENT_FACTS


@pytest.mark.parametrize("harm", ["minor", "serious", None])
def test_a_harm_caused_or_unknown_keeps_the_circumstance_and_art_32_1(engine, harm):
    """Guard: with a harm caused (or not yet known) the circumstance stands and 第三十二条第（一）项 binds."""
    d = engine.evaluate(CaseFacts(**BASE, harm=harm, circumstances=["eliminated_harm"]))
    if harm is not None:
        assert d.chosen_rule == "law-32"
        assert any("第三十二条" in b.label for b in d.basis)


def test_no_harm_with_other_circumstances_is_accepted():
    """Guard: only the pair is refused (积极配合调查 beside 没有造成危害后果 is no contradiction)."""
    assert CaseFacts(**BASE, harm="none", circumstances=["cooperated", "confessed"]).harm.value == "none"


def test_cli_check_refuses_it():
    from penalty_rules.cli.app import app

    r = CliRunner().invoke(app, ["check", "-", "--no-durable"], input=json.dumps(ROW))
    assert r.exit_code == 2
    assert "circumstances" in r.stderr and INCONSISTENT_FACTS in r.stderr


def test_a_replay_row_with_the_pair_is_a_bad_row_counted(corpus, tmp_path):
    from penalty_rules.replay import snapshot
    from penalty_rules.replay.reader import plan_chunks
    from penalty_rules.replay.runner import run_local

    sides = snapshot.list_versions(corpus, "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33")
    good = {**ROW, "harm": "minor"}
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (good, ROW, good)) + "\n", encoding="utf-8")
    part = run_local([sides[0].corpus, sides[1].corpus], plan_chunks([path], 100), date(2026, 11, 30), workers=1)
    assert (part.rows, part.bad) == (3, 1)
    assert [(r, code) for _f, r, _ref, code, _fld, _msg in part.bad_rows] == [(2, INCONSISTENT_FACTS)]
