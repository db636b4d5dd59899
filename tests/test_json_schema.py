"""The JSON Schema of list files: committed copy up to date, accepts every bundled list."""

from datetime import date, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from penalty_rules.load.json_schema import dumps, list_schema
from penalty_rules.load.loader import document_files

PROJECT = Path(__file__).resolve().parent.parent
BUNDLED = PROJECT / "lists"
COMMITTED = PROJECT / "schema" / "list.schema.json"


def iso(value):
    """YAML dates → ISO strings, as an editor sees them in JSON."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value


@pytest.fixture(scope="module")
def validator():
    schema = list_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path: Path) -> dict:
    return iso(yaml.safe_load(path.read_text("utf-8")))


def test_committed_schema_is_up_to_date():
    assert COMMITTED.read_text("utf-8") == dumps(list_schema()), (
        "schema/list.schema.json is stale: run penalty-rules lists schema --output schema/list.schema.json"
    )


def test_there_are_bundled_lists():
    assert len(document_files(BUNDLED)) >= 2


@pytest.mark.parametrize("path", document_files(BUNDLED), ids=lambda p: str(p.relative_to(BUNDLED)))
def test_schema_accepts_bundled_list(validator, path: Path):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load(path))]
    assert errors == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda d: d.pop("level"), "'level' is a required property"),
        (lambda d: d.update(fine_yuan=200), "Additional properties are not allowed"),
        (lambda d: d["items"][0].update(outcome="warning"), "'warning' is not one of"),
        (lambda d: d["items"][0]["provenance"].pop("confidence"), "'confidence' is a required property"),
    ],
    ids=["missing-level", "unknown-field", "bad-outcome", "missing-confidence"],
)
def test_schema_rejects_broken_list(validator, breakage, expected):
    doc = load(BUNDLED / "national" / "cn-tax-first-offense" / "2021-6.yaml")
    assert list(validator.iter_errors(doc)) == []
    breakage(doc)
    messages = [e.message for e in validator.iter_errors(doc)]
    assert any(expected in m for m in messages), messages
