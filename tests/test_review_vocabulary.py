"""Reviewer-friendly files (issue 11): the JSON Schema enumerates condition tags, quantities and
domain codes with their Chinese names; lint messages name tags with their Chinese labels."""

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

from penalty_rules.load.json_schema import list_schema
from penalty_rules.load.loader import load_corpus
from penalty_rules.model.vocabulary import VOCABULARY
from lists_fixtures import TAX, tax_lists


def test_schema_enumerates_vocabulary_with_chinese_names():
    schema = list_schema()
    defs = schema["$defs"]
    tag = next(b for b in defs["Conditions"]["properties"]["all"]["items"]["anyOf"] if b.get("type") == "string")
    # every tag a list may write; the engine's premises (kind: premise, e.g. minor_not_denied) are none of them
    premises = {t for t, d in VOCABULARY.conditions.items() if d.kind == "premise"}
    assert premises and tag["enum"] == VOCABULARY.list_tags() == [t for t in VOCABULARY.conditions if t not in premises]
    assert tag["enumDescriptions"][tag["enum"].index("first_offense")] == "初次违法(首违)"
    nested = next(b for b in defs["Conditions"]["properties"]["any_of"]["items"]["items"]["anyOf"]
                  if b.get("type") == "string")
    assert nested["enum"] == tag["enum"]
    quantity = defs["Threshold"]["properties"]["quantity"]
    assert quantity["enumDescriptions"][quantity["enum"].index("illegal_gains_yuan")] == "违法所得(元)"
    domain = defs["Item"]["properties"]["domain"]
    assert len(domain["enum"]) == 41 and domain["enumDescriptions"][domain["enum"].index("tax")] == "税务"
    assert "tax 税务" in domain["description"]


def test_schema_refuses_unknown_domain_and_tag():
    validator = jsonschema.Draft202012Validator(list_schema())
    doc = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    doc = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in doc.items()}
    broken = copy.deepcopy(doc)
    broken["items"][0]["domain"] = "taxes"
    broken["items"][1]["conditions"]["all"][0] = "first_ofense"
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any("'taxes' is not one of" in m for m in messages)
    assert any("first_ofense" in m for m in messages)


def test_unknown_tag_message_names_labels(tmp_path: Path):
    root = tax_lists(tmp_path)
    path = root / "national" / "cn-tax-first-offense" / "2021-6.yaml"
    path.write_text(path.read_text("utf-8").replace("- first_offense", "- first_ofense", 1), "utf-8")
    [problem] = [p for p in load_corpus(root).errors if p.code == "unknown_condition"]
    assert "相近的: first_offense(初次违法(首违))" in problem.message
    assert "minor_harm(危害后果轻微)" in problem.message


def test_a_list_item_cannot_write_the_engines_premise():
    # minor_not_denied is added by the engine (engine.premises) where an item rests on 行政处罚法 art. 33(1)
    # first sentence: a list writing it would read as the list's own condition
    from pydantic import ValidationError

    from penalty_rules.model.item import Item

    with pytest.raises(ValidationError, match="minor_not_denied"):
        Item.model_validate({"id": "x-test/01", "domain": "market", "outcome": "no_penalty", "violation": "测试行为",
                             "conditions": {"all": ["minor_not_denied"]},
                             "provenance": {"source_item_no": 1, "confidence": "low"}})
