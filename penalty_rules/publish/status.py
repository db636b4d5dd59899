"""The review status of a list version, derived from review records (never from the YAML).

An item counts as approved when the latest verdict on it by a reviewer key is `approved` and was
given on the item's current content (its `item_hash`): editing an item after its review makes the
review stale. `provenance.reviewed` in list files is not read (see README, 审核与发布).

One reviewer's objection is never overridden by another's approval: a `needs_change` given on the
item's current content stays open — the item is `needs_change` whatever came later — until the
same reviewer approves that content, or an admin key approves it after the objection, or the item
is edited (a new content hash: the objection no longer applies, the item needs a new review).
"""

import hashlib
import json
from dataclasses import dataclass, field

from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument

VERDICTS = ("approved", "needs_change")
VERDICT_ZH = {"approved": "通过", "needs_change": "需修改"}
STATE_ZH = {"approved": "已通过", "needs_change": "需修改", "stale": "审核后内容已修改, 须重新审核",
            "unreviewed": "未审核"}


def item_hash(item: Item) -> str:
    """sha256 over the item's canonical JSON (fields at their default omitted, as in content_hash)."""
    data = item.model_dump(mode="json", exclude_defaults=True)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ItemStatus:
    item_id: str
    state: str  # approved | needs_change | stale | unreviewed
    reviewer: str | None = None
    verdict: str | None = None
    at: str | None = None
    comment: str | None = None
    reviews: int = 0
    objections: list[dict] = field(default_factory=list)  # open needs_change on the current content

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    def objections_zh(self) -> str:
        return "; ".join(f"条目 {self.item_id}: 审核人员 {o['reviewer']} 于 {str(o['created_at'])[:19]} 提出需修改"
                         + (f"(意见: {o['comment']})" if o.get("comment") else "")
                         for o in self.objections)


@dataclass
class VersionStatus:
    key: str
    items: list[ItemStatus] = field(default_factory=list)
    open_request: dict | None = None  # the newest publication request on the current content (service.reviews)

    @property
    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATE_ZH}
        for i in self.items:
            out[i.state] += 1
        return out

    @property
    def all_approved(self) -> bool:
        return bool(self.items) and all(i.state == "approved" for i in self.items)

    def blocking(self) -> list[ItemStatus]:
        return [i for i in self.items if i.state != "approved"]

    def objections(self) -> list[ItemStatus]:
        return [i for i in self.items if i.objections]

    def summary_zh(self) -> str:
        c = self.counts
        return (f"{self.key}: 条目 {len(self.items)} 条, 已通过 {c['approved']} 条, 需修改 {c['needs_change']} 条, "
                f"审核后修改 {c['stale']} 条, 未审核 {c['unreviewed']} 条")


def version_status(doc: ListDocument, records: list[dict]) -> VersionStatus:
    """`records`: review rows of this version (item_id, item_hash, reviewer, verdict, created_at,
    comment), any order. Only rows whose role may review count (the caller filters by role)."""
    by_item: dict[str, list[dict]] = {}
    for r in records:
        by_item.setdefault(r["item_id"], []).append(r)
    out = VersionStatus(doc.key)
    for item in doc.items:
        rows = sorted(by_item.get(item.id, []), key=lambda r: (r["created_at"], r["id"]))
        if not rows:
            out.items.append(ItemStatus(item.id, "unreviewed"))
            continue
        current = item_hash(item)
        objections = open_objections(rows, current)
        last = rows[-1]
        if objections:  # blocks whatever came later (another reviewer's approval included)
            state, shown = "needs_change", objections[-1]
        elif last["item_hash"] != current:
            state, shown = "stale", last
        else:
            state, shown = last["verdict"], last
        out.items.append(ItemStatus(item.id, state, shown["reviewer"], shown["verdict"], shown["created_at"],
                                    shown.get("comment"), len(rows),
                                    [{k: o.get(k) for k in ("id", "reviewer", "role", "created_at", "comment")}
                                     for o in objections]))
    return out


def open_objections(rows: list[dict], current: str) -> list[dict]:
    """The `needs_change` rows on the content `current` not yet resolved: resolved by a later
    `approved` of the same reviewer on that content, or by a later `approved` of an admin key on it.
    `rows`: one item's rows in order (created_at, id)."""
    on_current = [r for r in rows if r["item_hash"] == current]
    out = []
    for i, r in enumerate(on_current):
        if r["verdict"] != "needs_change":
            continue
        later = on_current[i + 1:]
        if any(x["verdict"] == "approved" and (x["reviewer"] == r["reviewer"] or x.get("role") == "admin")
               for x in later):
            continue
        out.append(r)
    return out
