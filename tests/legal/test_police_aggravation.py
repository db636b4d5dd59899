"""公安机关办理行政案件程序规定(2019-04-27) 第一百六十条 (../shared/reference/statutes/部门规章/公安部/): “违法行为人有
下列情形之一的，应当从重处罚：（一）有较严重后果的；…” It binds the police in the cases they handle (第二条), road
traffic included. 聊城's practice for low-speed e-vehicles entering a restricted zone (lc-practice-2022/
ev-restricted-zone) gives a first entry 警告、教育 — the lightest penalty — and states no harm condition: a case
the officer finds of serious harm cannot get the warning the practice gives (a list or practice cannot set aside
a rule that binds the agency). Unknown harm is no such finding (从重 rests on an established fact): the item stands
and the 160 caution is said, as before."""

from datetime import date
from pathlib import Path

import pytest

from penalty_rules.model.facts import CaseFacts

RULE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "statutes" / "部门规章" / "公安部" / \
    "公安机关办理行政案件程序规定(2019-04-27).md"
EV = dict(item_id="lc-practice-2022/ev-restricted-zone", jurisdiction="371500", domain="road_traffic",
          party_type="individual", age=40, first_offense=True, prior_offenses=[], corrected="not_corrected",
          minor_violation=False, circumstances=[], continuing=False, act_date=date(2023, 4, 1),
          decision_date=date(2023, 4, 1))


@pytest.mark.skipif(not RULE.exists(), reason="the statute library is not beside the project")
def test_the_rule_text():
    text = RULE.read_text(encoding="utf-8")
    assert "第一百六十条 违法行为人有下列情形之一的，应当从重处罚：" in text and "（一）有较严重后果的；" in text


def test_a_first_entry_with_serious_harm_gets_no_warning_only(engine):
    d = engine.evaluate(CaseFacts(**EV, harm="serious"))
    assert d.outcome == "normal" and d.chosen_item is None
    ev = next(c for c in d.items if c.id == EV["item_id"])
    assert ev.satisfied is False


@pytest.mark.parametrize("harm", ["none", "minor", None])
def test_without_a_finding_of_serious_harm_the_practice_stands(engine, harm):
    """Guard: the practice's first-entry warning, with the 160 caution said (passes before and after)."""
    facts = dict(EV, harm=harm) if harm else EV
    d = engine.evaluate(CaseFacts(**facts))
    assert d.outcome == "lighter_penalty" and d.chosen_item == EV["item_id"]
    assert "harm" not in [m.fact for m in d.missing_facts]
    assert any("第一百六十条" in w for w in d.warnings)
