"""What changed between two states of the whole corpus (`lists/` at two git revisions, or the versions two
versions.lock states record): per list and per enforcement domain, items added, removed and changed, with the
directions of the one-list diff (放宽 / 收紧 / 需审核 / 不影响适用) and the figures in the city's form.

Every list version is paired by its key (`<list>@<version>`):

* a version in both states with other content: its content was changed in place (a draft being written, or —
  refused by the lock for a published version — an edit); diffed against itself;
* a version only in the later state: a new version, diffed against the version of its list it follows there
  (the latest, by start date, of the versions present in both states and starting no later; a draft or a
  version whose start is not stated follows the latest); with none, every item is new;
* a version only in the earlier state: a version taken out; every item removed.

A list's figures (`items_a → items_b`, `domains_a → domains_b`) are of its latest version in each state, a draft
included (the list as it would stand): the version starting last, a draft or a version whose start is not stated
after the dated ones — so a new version's +N / −M and its item count move together. The statutory files
(行政处罚法 texts, special-law table) are not list items: their version keys whose content differs are listed
apart (`statutory_changed`).

Changes of a list version's own fields (its 首违 definition, where and when it binds) count apart from the items
(`document_*` counts), each with its direction (report.diff.document_direction: first_offense.window_years 2 → 1
is 放宽), in the list's row and in every domain of its items; the source's names and addresses do not count, nor
a new version's own dates, status and predecessor (it is shown as a new version)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import ListDocument, Status
from penalty_rules.report.diff import (DIRECTION_ZH, DOC_TIMING_FIELDS, LENIENT, NONE, REVIEW, STRICTER, DiffCounts,
                                       FieldChange, Figures, VersionDiff, changes_text, diff_documents, figures_text)

KIND_ZH = {"changed_in_place": "版本内容修改", "new_version": "新版本", "removed_version": "版本移除"}


class VersionEntry(BaseModel):
    """One version key's change between the two states, with the one-list diff that shows it."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="changed_in_place 版本内容修改 | new_version 新版本 | removed_version 版本移除")
    kind_zh: str
    a: str | None = Field(description="比较的旧版本(新清单的新版本为 null)")
    b: str | None = Field(description="比较的新版本(移除的版本为 null)")
    status: str = Field(description="该版本的状态(draft 草案 | in_force | repealed)")
    diff: VersionDiff


class Counts(BaseModel):
    model_config = ConfigDict(frozen=True)

    added: int = 0
    removed: int = 0
    changed: int = 0
    lenient: int = Field(default=0, description="修改的条目中放宽的")
    stricter: int = Field(default=0, description="修改的条目中收紧的")
    review: int = Field(default=0, description="修改的条目中需审核的")
    no_effect: int = Field(default=0, description="修改的条目中只改出处、检索词的")
    document_fields: int = Field(default=0, description="清单本身字段的变化(处), 如首违认定的期限; 出处字段和新版本自身的"
                                 "日期、状态不计")
    document_lenient: int = Field(default=0, description="清单本身字段的变化中放宽的")
    document_stricter: int = Field(default=0, description="清单本身字段的变化中收紧的")
    document_review: int = Field(default=0, description="清单本身字段的变化中需审核的")


class ListChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    list_id: str
    level: str
    title: str
    entries: list[VersionEntry]
    counts: Counts
    figures: Figures = Field(description="该清单在两个状态下的最新版本(含草案)的条目数和领域数, 以及各版本变化的合计")


class DomainChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    domain: str
    zh: str | None = None
    counts: Counts
    lists: list[str] = Field(description="在本领域有变化的清单")


class CorpusDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    a: str = Field(description="旧状态, 如 git:HEAD~1 或 lock:versions.lock")
    b: str
    a_describe: str
    b_describe: str
    lists: list[ListChange] = Field(description="有变化的清单(放宽的在前)")
    by_domain: list[DomainChange]
    counts: Counts
    figures: Figures = Field(description="各清单最新版本(含草案)的合计(本地有约束力的和外地参照的都在内)")
    statutory_changed: list[str] = Field(default_factory=list, description="内容有变化的法律文本或单行法规则表版本")
    unchanged_lists: int


def counted_document_changes(entry: "VersionEntry") -> list[FieldChange]:
    """The changes of a version's own fields that count: not those of its source's names and addresses
    (不影响适用), nor, for a new version, its own dates, status and the version it supersedes (what makes it a
    new version, shown as such)."""
    return [c for c in entry.diff.document_changes if c.direction != NONE
            and not (entry.kind == "new_version" and c.path in DOC_TIMING_FIELDS)]


def _tally(added: int, removed: int, changed: list[str], document: list[str]) -> Counts:
    """Counts from the items added and removed, the directions of the changed items and those of the counted
    changes of the lists' own fields (counted_document_changes): one tally for a list, a domain and the totals."""
    return Counts(added=added, removed=removed, changed=len(changed), lenient=changed.count(LENIENT),
                  stricter=changed.count(STRICTER), review=changed.count(REVIEW), no_effect=changed.count(NONE),
                  document_fields=len(document), document_lenient=document.count(LENIENT),
                  document_stricter=document.count(STRICTER), document_review=document.count(REVIEW))


def _counts(entries: list["VersionEntry"], counted: list[list[FieldChange]]) -> Counts:
    """The counts of version entries; `counted`: each entry's counted_document_changes, in the same order."""
    diffs = [e.diff for e in entries]
    return _tally(sum(d.summary.added for d in diffs), sum(d.summary.removed for d in diffs),
                  [c.direction for d in diffs for c in d.changed], [c.direction for own in counted for c in own])


def _empty(doc: ListDocument) -> ListDocument:
    return doc.model_copy(update={"items": []})


def _current(docs: list[ListDocument]) -> ListDocument | None:
    """The latest version: the one starting last, a draft or an undated version after the dated ones."""
    def order(d: ListDocument):
        undated = d.status is Status.draft or d.start is None
        return (undated, d.start or date.min, d.version)

    return max(docs, key=order) if docs else None


def _predecessor(new: ListDocument, shared: list[ListDocument]) -> ListDocument | None:
    start = new.start if new.status is not Status.draft else None
    before = [d for d in shared if start is None or (d.start is not None and d.start <= start)]
    return max(before, key=lambda d: (d.start or date.min, d.version)) if before else None


def _figures(cur_a: ListDocument | None, cur_b: ListDocument | None, counts: Counts) -> Figures:
    items_a = list(cur_a.items) if cur_a else []
    items_b = list(cur_b.items) if cur_b else []
    return _make_figures(len(items_a), len(items_b), len({i.domain for i in items_a}),
                         len({i.domain for i in items_b}), counts)


def _make_figures(items_a: int, items_b: int, domains_a: int, domains_b: int, counts: Counts) -> Figures:
    nums = {"items_a": items_a, "items_b": items_b, "added": counts.added, "removed": counts.removed,
            "changed": counts.changed, "domains_a": domains_a, "domains_b": domains_b}
    summary = DiffCounts(added=counts.added, removed=counts.removed, changed=counts.changed, unchanged=0,
                         document_fields_changed=0, lenient=counts.lenient, stricter=counts.stricter,
                         review=counts.review, no_effect=counts.no_effect)
    return Figures(**nums, text_zh=figures_text(nums), changes_zh=changes_text(summary) + document_text(counts))


def document_text(c: Counts) -> str:
    """The list-level changes counted, for the totals: ;清单字段变化 1 处: 放宽 1 处 (empty when none)."""
    if not c.document_fields:
        return ""
    kinds = [(c.document_lenient, LENIENT), (c.document_review, REVIEW), (c.document_stricter, STRICTER)]
    return f";清单字段变化 {c.document_fields} 处: " + "、".join(f"{DIRECTION_ZH[d]} {n} 处" for n, d in kinds if n)


def corpus_diff(a: Corpus, b: Corpus, label_a: str = "a", label_b: str = "b", describe_a: str = "",
                describe_b: str = "") -> CorpusDiff:
    registry = b.registry
    docs_a = {d.key: d for d in a.documents}
    docs_b = {d.key: d for d in b.documents}
    ids = sorted({d.id for d in a.documents} | {d.id for d in b.documents})
    lists, unchanged = [], 0
    all_entries: list[VersionEntry] = []
    all_counted: list[list[FieldChange]] = []
    domains: dict[str, list] = {}
    for list_id in ids:
        in_a = [d for d in a.documents if d.id == list_id]
        in_b = [d for d in b.documents if d.id == list_id]
        shared = [d for d in in_b if d.key in docs_a]
        entries = []
        for doc in sorted(in_b, key=lambda d: (d.start or date.max, d.version)):
            old = docs_a.get(doc.key)
            if old is not None:
                if a.hashes.get(doc.key) == b.hashes.get(doc.key):
                    continue
                entries.append(("changed_in_place", old, doc))
            else:
                prev = _predecessor(doc, shared)
                entries.append(("new_version", prev, doc))
        for doc in in_a:
            if doc.key not in docs_b:
                entries.append(("removed_version", doc, None))
        out = []
        for kind, old, new in entries:
            d = diff_documents(old if old is not None else _empty(new), new if new is not None else _empty(old),
                               registry)
            d = d.model_copy(update={"a": old.key if old is not None else "—",
                                     "b": new.key if new is not None else "—"})
            if kind == "changed_in_place" and not (d.added or d.removed or d.changed or d.document_changes
                                                   or d.examples_changed):
                continue  # the hash covers the file's bytes' meaning only: nothing the diff shows
            out.append(VersionEntry(kind=kind, kind_zh=KIND_ZH[kind], a=old.key if old is not None else None,
                                    b=new.key if new is not None else None,
                                    status=(new or old).status.value, diff=d))
        if not out:
            unchanged += 1
            continue
        diffs = [e.diff for e in out]
        counted = [counted_document_changes(e) for e in out]  # once per entry: the list, its domains, the totals
        all_entries += out
        all_counted += counted
        counts = _counts(out, counted)
        first = (in_b or in_a)[0]
        lists.append(ListChange(list_id=list_id, level=first.level.value, title=first.title, entries=out,
                                counts=counts, figures=_figures(_current(in_a), _current(in_b), counts)))
        for d in diffs:
            for x in d.added:
                domains.setdefault(x.domain, []).append(("added", list_id, None))
            for x in d.removed:
                domains.setdefault(x.domain, []).append(("removed", list_id, None))
            for c in d.changed:
                domains.setdefault(c.domain or "", []).append(("changed", list_id, c.direction))
        for e, own in zip(out, counted):  # a change of the list itself: in every domain of the version's items
            if own:
                version = docs_b.get(e.b) if e.b is not None else docs_a.get(e.a)
                for code in sorted({i.domain for i in version.items}):
                    domains.setdefault(code, []).extend(("document", list_id, c.direction) for c in own)
    by_domain = []
    for code in sorted(domains):
        events = domains[code]
        dom = registry.domain(code) if registry is not None and code else None
        by_domain.append(DomainChange(
            domain=code, zh=getattr(dom, "zh", None), lists=sorted({e[1] for e in events}),
            counts=_tally(sum(e[0] == "added" for e in events), sum(e[0] == "removed" for e in events),
                          [e[2] for e in events if e[0] == "changed"], [e[2] for e in events if e[0] == "document"])))
    lists.sort(key=lambda x: (-x.counts.lenient - x.counts.document_lenient, -x.counts.review - x.counts.document_review,
                              x.list_id))
    totals = _counts(all_entries, all_counted)
    cur_a = [c for c in (_current([d for d in a.documents if d.id == i]) for i in ids) if c is not None]
    cur_b = [c for c in (_current([d for d in b.documents if d.id == i]) for i in ids) if c is not None]
    figures = _make_figures(sum(len(d.items) for d in cur_a), sum(len(d.items) for d in cur_b),
                            len({i.domain for d in cur_a for i in d.items}),
                            len({i.domain for d in cur_b for i in d.items}), totals)
    doc_keys = set(docs_a) | set(docs_b)
    statutory = sorted(k for k in set(a.hashes) | set(b.hashes)
                       if k not in doc_keys and "@" in k and a.hashes.get(k) != b.hashes.get(k))
    return CorpusDiff(a=label_a, b=label_b, a_describe=describe_a, b_describe=describe_b, lists=lists,
                      by_domain=by_domain, counts=totals, figures=figures, statutory_changed=statutory,
                      unchanged_lists=unchanged)


def direction_text(c: Counts) -> str:
    """The directions of the changed items and of the list's own counted changes together."""
    kinds = [(c.lenient + c.document_lenient, DIRECTION_ZH[LENIENT]), (c.review + c.document_review, DIRECTION_ZH[REVIEW]),
             (c.stricter + c.document_stricter, DIRECTION_ZH[STRICTER]), (c.no_effect, DIRECTION_ZH[NONE])]
    return "、".join(f"{z} {n}" for n, z in kinds if n) or "—"
