"""JSON Schema of list files, generated from the pydantic model (schema/list.schema.json)."""

import json

from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.manifest import Manifest


def list_schema() -> dict:
    schema = ListDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "penalty-rules list version"
    return schema


def manifest_schema() -> dict:
    schema = Manifest.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def dumps(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
