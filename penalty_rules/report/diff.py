"""What changed between two list versions: items added, removed and changed (by item id), with
field-level changes (dotted path, old value, new value), and changes to the document's own fields."""

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.errors import UnknownListVersion
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.outcome import Outcome


class UnknownVersionKey(UnknownListVersion):
    """A version key that names no loaded list version; carries the closest keys."""

    def __init__(self, key: str, close_matches: list[str]):
        super().__init__(key)
        self.close_matches = close_matches


class FieldChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str = Field(description="字段路径, 如 conditions.all 或 provenance.source_item_no")
    old: Any = None
    new: Any = None


class ItemSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    domain: str
    outcome: Outcome
    violation: str


class ItemChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    changes: list[FieldChange]
    fields: list[str] = Field(default_factory=list, description="改动的条目字段(顶层), 如 outcome、conditions")
    domain: str | None = Field(default=None, description="新版本中条目的执法领域")


class DiffCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    added: int
    removed: int
    changed: int
    unchanged: int
    document_fields_changed: int


class DomainDiff(BaseModel):
    """One enforcement domain: item counts in both versions and what changed."""

    model_config = ConfigDict(frozen=True)

    domain: str
    zh: str | None = None
    items_a: int
    items_b: int
    added: int
    removed: int
    changed: int
    fields: dict[str, int] = Field(default_factory=dict, description="改动的字段 → 条目数")


class Figures(BaseModel):
    """The figures in the form the city uses: +381 / −35, domains 29 → 41."""

    model_config = ConfigDict(frozen=True)

    items_a: int
    items_b: int
    added: int
    removed: int
    changed: int
    domains_a: int
    domains_b: int
    text_zh: str


def figures_text(f: dict) -> str:
    return (f"条目 +{f['added']} / −{f['removed']}(修改 {f['changed']} 条), 条目数 {f['items_a']} → {f['items_b']},"
            f" 领域 {f['domains_a']} → {f['domains_b']}")


class VersionDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    a: str
    b: str
    document_changes: list[FieldChange]
    added: list[ItemSummary]
    removed: list[ItemSummary]
    changed: list[ItemChange]
    summary: DiffCounts
    by_domain: list[DomainDiff] = Field(default_factory=list, description="按执法领域的新增、删除、修改")
    figures: Figures | None = None


def close_keys(corpus: Corpus, key: str, n: int = 5) -> list[str]:
    keys = sorted(d.key for d in corpus.documents)
    found = difflib.get_close_matches(key, keys, n=n, cutoff=0.5)
    if not found:  # same list id, any version
        doc_id = key.split("@", 1)[0]
        found = [k for k in keys if k.split("@", 1)[0] == doc_id][:n]
    return found


def resolve(corpus: Corpus, key: str) -> ListDocument:
    doc = corpus.document(key)
    if doc is None:
        raise UnknownVersionKey(key, close_keys(corpus, key))
    return doc


def _join(prefix: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else part


def field_changes(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    """Changes between two JSON values. Mappings are compared key by key and lists of equal length
    element by element; a list whose length changed is reported whole."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            out += field_changes(old.get(key), new.get(key), _join(prefix, key))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (o, n) in enumerate(zip(old, new)):
            out += field_changes(o, n, _join(prefix, i))
        return out
    return [FieldChange(path=prefix or "(整体)", old=old, new=new)]


def _dump(model: BaseModel) -> dict:
    return model.model_dump(mode="json", exclude_none=False)


def _summary(item: Item) -> ItemSummary:
    return ItemSummary(id=item.id, domain=item.domain, outcome=item.outcome, violation=item.violation)


def _by_domain(a: ListDocument, b: ListDocument, added, removed, changed, registry=None) -> list[DomainDiff]:
    codes = sorted({i.domain for i in a.items} | {i.domain for i in b.items})
    out = []
    for code in codes:
        fields: dict[str, int] = {}
        for c in changed:
            if c.domain == code:
                for name in c.fields:
                    fields[name] = fields.get(name, 0) + 1
        dom = registry.domain(code) if registry is not None else None
        out.append(DomainDiff(
            domain=code, zh=getattr(dom, "zh", None),
            items_a=sum(i.domain == code for i in a.items), items_b=sum(i.domain == code for i in b.items),
            added=sum(i.domain == code for i in added), removed=sum(i.domain == code for i in removed),
            changed=sum(c.domain == code for c in changed), fields=fields,
        ))
    return out


def diff_documents(a: ListDocument, b: ListDocument, registry=None) -> VersionDiff:
    doc_a = {k: v for k, v in _dump(a).items() if k != "items"}
    doc_b = {k: v for k, v in _dump(b).items() if k != "items"}
    items_a = {i.id: i for i in a.items}
    items_b = {i.id: i for i in b.items}
    added = [_summary(i) for i in b.items if i.id not in items_a]
    removed = [_summary(i) for i in a.items if i.id not in items_b]
    changed = []
    unchanged = 0
    for item in a.items:
        other = items_b.get(item.id)
        if other is None:
            continue
        changes = field_changes(_dump(item), _dump(other))
        if changes:
            top = list(dict.fromkeys(c.path.split(".", 1)[0].split("[", 1)[0] for c in changes))
            changed.append(ItemChange(id=item.id, changes=changes, fields=top, domain=other.domain))
        else:
            unchanged += 1
    document_changes = field_changes(doc_a, doc_b)
    nums = {"items_a": len(a.items), "items_b": len(b.items), "added": len(added), "removed": len(removed),
            "changed": len(changed), "domains_a": len({i.domain for i in a.items}),
            "domains_b": len({i.domain for i in b.items})}
    return VersionDiff(
        a=a.key,
        b=b.key,
        document_changes=document_changes,
        added=added,
        removed=removed,
        changed=changed,
        summary=DiffCounts(
            added=len(added),
            removed=len(removed),
            changed=len(changed),
            unchanged=unchanged,
            document_fields_changed=len(document_changes),
        ),
        by_domain=_by_domain(a, b, added, removed, changed, registry),
        figures=Figures(**nums, text_zh=figures_text(nums)),
    )


def diff(corpus: Corpus, a: str, b: str) -> VersionDiff:
    """Differences from version key `a` to version key `b` (`<doc-id>@<version>`)."""
    return diff_documents(resolve(corpus, a), resolve(corpus, b), corpus.registry)
