"""The loaded, validated rule corpus: every list version, indexed. Built once, read-only."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument, Status
from penalty_rules.model.manifest import Manifest
from penalty_rules.model.registry import Registry
from penalty_rules.model.statutory import StatutoryCorpus


@dataclass(frozen=True)
class ItemRef:
    """An item as it stands in one list version."""

    document: ListDocument
    item: Item

    @cached_property  # read on every evaluation (durable-rules, traces): the fields are frozen
    def key(self) -> str:
        return f"{self.item.id}@{self.doc_key}"

    @cached_property  # ListDocument.key (a property formatting two fields) read on every explained evaluation
    def doc_key(self) -> str:
        return self.document.key

    @cached_property  # read by Engine.item_in_force, several times per evaluation: the fields are frozen
    def in_force_data(self) -> tuple:
        """(the list's id, the item's own effective_from and effective_to)."""
        return self.document.id, self.item.effective_from, self.item.effective_to


@dataclass
class Corpus:
    registry: Registry
    documents: list[ListDocument]
    hashes: dict[str, str]  # document key (id@version) → content hash
    manifests: list[Manifest] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # document key → file path
    statutory: StatutoryCorpus | None = None  # 行政处罚法 versions and special laws (lists/statutory)

    def __post_init__(self) -> None:
        self._by_key = {d.key: d for d in self.documents}
        versions: dict[str, list[ListDocument]] = defaultdict(list)
        for doc in self.documents:
            versions[doc.id].append(doc)
        for docs in versions.values():
            docs.sort(key=lambda d: (d.start or date.min, d.version))
        self._versions = dict(versions)
        items: dict[str, list[ItemRef]] = defaultdict(list)
        for doc in self.documents:
            for item in doc.items:
                items[item.id].append(ItemRef(doc, item))
        self._items = dict(items)
        self._ends = {d.key: self._compute_end(d) for d in self.documents}
        # per list: (start, end, version) of the versions that can be in force (no drafts, a known
        # start), in version order: in_force reads them on every evaluation
        self._spans = {
            doc_id: [(d.start, self._ends[d.key], d) for d in docs if d.status is not Status.draft and d.start]
            for doc_id, docs in self._versions.items()
        }

    # -- documents -------------------------------------------------------------------------
    def document(self, key: str) -> ListDocument | None:
        return self._by_key.get(key)

    def document_ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, doc_id: str) -> list[ListDocument]:
        return list(self._versions.get(doc_id, []))

    def end_of(self, doc: ListDocument) -> date | None:
        """Last day (exclusive) a version is in force: its own end or the next version's start."""
        return self._ends[doc.key]

    def _compute_end(self, doc: ListDocument) -> date | None:
        if doc.effective_to:
            return doc.effective_to
        later = [
            d.start
            for d in self._versions[doc.id]
            if d.status is not Status.draft and d.start and doc.start and d.start > doc.start
        ]
        return min(later) if later else None

    def boundaries(self, doc_id: str) -> tuple[date, ...]:
        """The days on which the version of a list in force changes (its versions' starts and ends)."""
        return tuple(sorted({d for start, end, _ in self._spans.get(doc_id, ()) for d in (start, end) if d}))

    def in_force(self, doc_id: str, on: date) -> ListDocument | None:
        """The version of a list in force on a date (drafts never are; the last of overlapping ones)."""
        best = None
        for start, end, doc in self._spans.get(doc_id, ()):
            if start <= on and (end is None or on < end):
                best = doc
        return best

    def documents_in_force(self, on: date) -> list[ListDocument]:
        found = (self.in_force(doc_id, on) for doc_id in self._versions)
        return [d for d in found if d is not None]

    # -- items -----------------------------------------------------------------------------
    def item_ids(self) -> list[str]:
        return sorted(self._items)

    def item_refs(self, item_id: str) -> list[ItemRef]:
        return list(self._items.get(item_id, []))

    def latest(self, item_id: str) -> ItemRef | None:
        refs = self._items.get(item_id)
        if not refs:
            return None
        return max(refs, key=lambda r: (r.document.start or date.min, r.document.version))

    def all_refs(self) -> list[ItemRef]:
        return [ItemRef(doc, item) for doc in self.documents for item in doc.items]

    def ruleset_version(self) -> str:
        """One hash naming the whole corpus (for the X-Ruleset-Version header)."""
        import hashlib

        h = hashlib.sha256()
        for key in sorted(self.hashes):
            h.update(f"{key}={self.hashes[key]}\n".encode())
        return h.hexdigest()[:16]
