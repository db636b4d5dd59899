"""The review status of a list version, derived from review records (never from the YAML).

An item counts as approved when the latest verdict on it by a reviewer key is `approved` and was
given on the item's current content (its `item_hash`): editing an item after its review makes the
review stale. `provenance.reviewed` in list files is not read (see README, 审核与发布).

One reviewer's objection is never overridden by another's approval: a `needs_change` given on the
item's current content stays open — the item is `needs_change` whatever came later — until the
same reviewer approves that content, or an admin key approves it after the objection, or the item
is edited (a new content hash: the objection no longer applies, the item needs a new review).

The list-level fields (title, issuer, jurisdiction, level, supersedes, first_offense, notes …:
everything but `items` and the publication's own terms status / effective_from / effective_to,
which the request and the approval record) are reviewed as one pseudo-item, HEADER_ITEM (`@list`),
whose hash is header_hash: required like every item, so a change of the first-offense window after
the items were approved makes that review stale. A pseudo-item rather than the header's hash folded
into every item's: a header edit voids one review, not all of them, and an objection to the header
is recorded where it belongs.

Records are taken in the order the database stored them (`seq`: SQLite rowid, PostgreSQL identity
column), never by `created_at`, which the writer supplies (a CLI host's clock): an approval stamped
earlier that was stored after an objection still comes after it. Key names are compared by
person_key (NFKC, case folded, format and default-ignorable characters removed, dashes as "-"): `Reviewer-Li`, or `reviewer-li` with a
zero-width space, is the same person as `reviewer-li`.
"""

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument

VERDICTS = ("approved", "needs_change")
VERDICT_ZH = {"approved": "通过", "needs_change": "需修改"}
STATE_ZH = {"approved": "已通过", "needs_change": "需修改", "stale": "审核后内容已修改, 须重新审核",
            "unreviewed": "未审核"}


HEADER_ITEM = "@list"  # the list-level fields as one reviewable pseudo-item (never an item id: ids are [a-z0-9/...])
HEADER_EXCLUDED = {"items", "status", "effective_from", "effective_to"}


# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): drawn as nothing — variation
# selectors, the combining grapheme joiner, Hangul fillers, Mongolian free variation selectors …
_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
              (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
              (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
              (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))
_MINUS_SIGNS = "\u2212\u02d7\u2796"  # look like a hyphen but are no dash punctuation (Pd)


def _ignorable(c: str) -> bool:
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in _IGNORABLE)


def person_key(name: str | None) -> str:
    """A key name as compared for "the same person": NFKC, without format/control characters
    (zero-width spaces, joiners, bidi marks), default-ignorable code points (variation selectors,
    U+034F, Hangul fillers …) and whitespace, every dash (Unicode Pd: U+2010 hyphen, en dash …) and
    minus sign as "-", case folded."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join("-" if unicodedata.category(c) == "Pd" or c in _MINUS_SIGNS else c for c in text
                   if unicodedata.category(c) not in ("Cf", "Cc", "Zs", "Zl", "Zp") and not c.isspace()
                   and not _ignorable(c))
    return unicodedata.normalize("NFKC", text.casefold())


def same_person(a: str | None, b: str | None) -> bool:
    return person_key(a) == person_key(b)


def record_order(r: dict) -> tuple:
    """Insertion order (`seq` from the database); created_at only for rows without one. Rows marked
    `legacy` (written before migration 0005, service.reviews.mark_legacy: their seq was given by
    0005 in the table's physical order, which a reused slot can invert) come first, in the writer's
    created_at order."""
    seq = r.get("seq")
    if r.get("legacy"):
        return (0, 0, f"{r.get('created_at')}|{r.get('id')}")
    return (1, int(seq), "") if seq is not None else (2, 0, f"{r.get('created_at')}|{r.get('id')}")


def header_hash(doc: ListDocument) -> str:
    """sha256 over the version's list-level fields (HEADER_EXCLUDED left out), canonical as content_hash."""
    data = doc.model_dump(mode="json", exclude_defaults=True, exclude=HEADER_EXCLUDED)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def reviewables(doc: ListDocument) -> list[tuple[str, str]]:
    """(id, hash) of everything a version needs approved: the header pseudo-item, then every item."""
    return [(HEADER_ITEM, header_hash(doc))] + [(i.id, item_hash(i)) for i in doc.items]


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
    for item_id, current in reviewables(doc):
        rows = sorted(by_item.get(item_id, []), key=record_order)
        if not rows:
            out.items.append(ItemStatus(item_id, "unreviewed"))
            continue
        objections = open_objections(rows, current)
        last = rows[-1]
        if objections:  # blocks whatever came later (another reviewer's approval included)
            state, shown = "needs_change", objections[-1]
        elif last["item_hash"] != current:
            state, shown = "stale", last
        else:
            state, shown = last["verdict"], last
        out.items.append(ItemStatus(item_id, state, shown["reviewer"], shown["verdict"], shown["created_at"],
                                    shown.get("comment"), len(rows),
                                    [{k: o.get(k) for k in ("id", "reviewer", "role", "created_at", "comment")}
                                     for o in objections]))
    return out


def open_objections(rows: list[dict], current: str) -> list[dict]:
    """The `needs_change` rows on the content `current` not yet resolved: resolved by a later
    `approved` of the same reviewer on that content, or by a later `approved` of an admin key on it.
    `rows`: one item's rows in insertion order (record_order). Reviewers compared by person_key."""
    on_current = [r for r in rows if r["item_hash"] == current]
    out = []
    for i, r in enumerate(on_current):
        if r["verdict"] != "needs_change":
            continue
        later = on_current[i + 1:]
        if any(x["verdict"] == "approved" and (same_person(x["reviewer"], r["reviewer"]) or x.get("role") == "admin")
               for x in later):
            continue
        out.append(r)
    return out
