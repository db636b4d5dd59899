"""Content hashes over a canonical form of a list version."""

import hashlib
import json

from penalty_rules.model.listdoc import ListDocument


def canonical_json(doc: ListDocument) -> str:
    """Fields left at their default are omitted: adding an optional field to the model does not
    change the hash of published versions that do not use it."""
    data = doc.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(doc: ListDocument) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()
