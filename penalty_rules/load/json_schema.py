"""JSON Schema of list files, generated from the pydantic model (schema/list.schema.json).

For reviewers and editors, the closed vocabularies are enumerated with their Chinese names:
condition tags and quantities (penalty_rules/data/vocabulary.yaml) and the domain codes of the
bundled registry (lists/domains.yaml), as `enum` with `enumDescriptions` / `markdownEnumDescriptions`
(shown by editors when completing) and a Chinese `description` listing them."""

import json
from pathlib import Path

from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.manifest import Manifest
from penalty_rules.model.vocabulary import VOCABULARY

BUNDLED_LISTS = Path(__file__).resolve().parents[2] / "lists"


def _domains() -> list[tuple[str, str]]:
    """(code, Chinese name) of the bundled registry, through the hardened loader."""
    from penalty_rules.load.loader import REGISTRY_FILE, _parse
    from penalty_rules.model.registry import Registry

    path = BUNDLED_LISTS / REGISTRY_FILE
    if not path.exists():
        return []
    registry, _, _ = _parse(path, BUNDLED_LISTS, Registry)
    return [(d.code, d.zh) for d in registry.domains] if registry else []


def _enum(schema: dict, entries: list[tuple[str, str]], what: str) -> dict:
    out = dict(schema)
    out["enum"] = [code for code, _ in entries]
    out["enumDescriptions"] = [zh for _, zh in entries]
    out["markdownEnumDescriptions"] = [f"**{zh}**" for _, zh in entries]
    out["description"] = f"{what}: " + "; ".join(f"{code} {zh}" for code, zh in entries)
    return out


def enumerate_vocabulary(schema: dict) -> dict:
    defs = schema.get("$defs", {})
    tags = [(t, VOCABULARY.conditions[t].zh) for t in VOCABULARY.list_tags()]
    quantities = [(q, f"{d.zh}({d.unit})" if d.unit else d.zh) for q, d in VOCABULARY.quantities.items()]
    cond = defs.get("Conditions", {}).get("properties", {})
    for name in ("all", "any_of"):
        items = cond.get(name, {}).get("items", {})
        if name == "any_of":
            items = items.get("items", {})
        for i, branch in enumerate(items.get("anyOf", [])):
            if branch.get("type") == "string":
                items["anyOf"][i] = _enum(branch, tags, "条件标签")
    threshold = defs.get("Threshold", {}).get("properties", {})
    if "quantity" in threshold:
        threshold["quantity"] = _enum(threshold["quantity"], quantities, "数量名称")
    domains = _domains()
    item = defs.get("Item", {}).get("properties", {})
    if domains and "domain" in item:
        item["domain"] = _enum(item["domain"], domains, "执法领域代码")
    return schema


def list_schema() -> dict:
    schema = ListDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "penalty-rules list version"
    return enumerate_vocabulary(schema)


def manifest_schema() -> dict:
    schema = Manifest.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def dumps(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
