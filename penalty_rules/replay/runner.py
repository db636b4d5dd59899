"""Replay a caseload under two list snapshots: one pass over the rows, each distinct projection
(penalty_rules.replay.projection) decided once per side through the engine's public
`Engine.verdict` (the answer of `Engine.evaluate` without its explanation), counts aggregated
per (domain, item, answer before, answer after).

The same `ReplayCore.process(chunk)` runs in one process, in forked worker processes
(`run_local`) and on Dask workers (penalty_rules.replay.dask_runner); partial results merge with
`Partial.merge`, so every way of running gives the same counts.
"""

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat

from penalty_rules.engine.engine import Engine
from penalty_rules.engine.search import ItemSearch
from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.gc_policy import settled_heap
from penalty_rules.model.facts import NOT_LISTED
from penalty_rules.replay.projection import Projector, RowError, _h, read_row
from penalty_rules.replay.reader import DATE_ORDER, Chunk, jsonable, parquet_groups, prior_value, read_chunk

MAX_BAD_DETAILS = 100_000  # bad rows listed one by one (all are counted)

# (outcome, chosen item, chosen rule, possible outcomes, missing facts in asking order)
Answer = tuple


def answer_of(decision) -> Answer:
    return (decision.outcome, decision.chosen_item, decision.chosen_rule, tuple(decision.possible_outcomes),
            tuple(m.fact for m in decision.missing_facts))


UNKNOWN_ITEM: Answer = ("error:unknown_item", None, None, (), ())


class CachedSearch(ItemSearch):
    """ItemSearch with its answers remembered: a search is a pure function of the text, its
    options and the corpus (hits are frozen; callers get a fresh list)."""

    def __init__(self, corpus, size: int = 50_000):
        super().__init__(corpus)
        self._cache: dict = {}
        self._size = size

    def search(self, text, *, domain=None, jurisdictions=None, as_of=None, binding_only=False, prefer=None,
               limit=10):
        key = (text, domain, None if jurisdictions is None else tuple(jurisdictions), as_of, binding_only,
               None if prefer is None else tuple(prefer), limit)
        got = self._cache.get(key)
        if got is None:
            got = tuple(super().search(text, domain=domain, jurisdictions=jurisdictions, as_of=as_of,
                                       binding_only=binding_only, prefer=prefer, limit=limit))
            if len(self._cache) >= self._size:
                self._cache.clear()
            self._cache[key] = got
        return list(got)


def replay_engine(corpus) -> Engine:
    """The replay path's engine: the reference evaluator with a remembering search."""
    return Engine(corpus, search=CachedSearch(corpus))


def _unknown_item(engine: Engine, facts, today: date) -> bool:
    """The engine would refuse the item id (UnknownItem): it checks domain, jurisdiction and the
    dates first, then the item. Answered here to spare the close-match search of the error."""
    if not facts.item_id or facts.item_id == NOT_LISTED or engine.corpus.item_refs(facts.item_id):
        return False
    registry = engine.corpus.registry
    dec = facts.decision_date or today
    return ((facts.domain is None or registry.domain(facts.domain) is not None)
            and registry.jurisdiction(facts.jurisdiction) is not None
            and not (facts.act_date is not None and facts.act_date > dec))


def _answered(decide) -> Answer:
    """decide() → an answer; the engine's refusals as `error:<code>` outcomes."""
    try:
        return decide()
    except InvalidFacts as exc:
        return (f"error:{exc.code}", None, None, (), ())
    except UnknownItem:
        return UNKNOWN_ITEM


def production_answer(engine: Engine, facts, today: date) -> Answer:
    """The answer the service gives for these facts, by Engine.evaluate alone (errors as
    `error:<code>` outcomes): the oracle of replay.verify."""
    return _answered(lambda: answer_of(engine.evaluate(facts, today=today)))


def evaluate_answer(engine: Engine, facts, today: date) -> Answer:
    """The replay path's answer: `Engine.verdict` (the answer without its explanation, from the
    same rule results and precedence as Engine.evaluate), errors as production_answer gives them,
    unknown item ids answered without the engine's close-match search. replay.verify checks it
    against production_answer."""
    if _unknown_item(engine, facts, today):
        return UNKNOWN_ITEM
    return _answered(lambda: engine.verdict(facts, today=today))



def _bad(p: "Partial", path, row_no: int, ref, err: RowError) -> None:
    """Count a bad row; keep its details up to MAX_BAD_DETAILS (the report says when the cap is hit)."""
    p.bad += 1
    if len(p.bad_rows) < MAX_BAD_DETAILS:
        p.bad_rows.append((path, row_no, ref, err.code, err.field, err.message))

@dataclass
class Partial:
    rows: int = 0
    bad: int = 0
    bad_rows: list = field(default_factory=list)  # (row, case_ref, code, field, message)
    groups: Counter = field(default_factory=Counter)  # (domain, item, answer from, answer to) → cases
    changed_rows: list = field(default_factory=list)  # (file, row, case_ref, group)
    examples: dict = field(default_factory=dict)  # group → (row, case_ref, facts json)
    evaluated: int = 0  # distinct projections decided (per side)
    shared_hits: int = 0  # projections another worker process had decided
    slow: int = 0  # rows read through the official boundary alone
    answers: list = field(default_factory=list)  # (row, answer from, answer to), when collected
    seconds: float = 0.0
    file_rows: Counter = field(default_factory=Counter)  # path → rows

    def merge(self, other: "Partial") -> "Partial":
        self.rows += other.rows
        self.bad += other.bad
        room = MAX_BAD_DETAILS - len(self.bad_rows)
        if room > 0:
            self.bad_rows += other.bad_rows[:room]
        self.groups.update(other.groups)
        self.changed_rows += other.changed_rows
        for g, ex in other.examples.items():
            mine = self.examples.get(g)
            if mine is None or (ex[3], ex[0]) < (mine[3], mine[0]):
                self.examples[g] = ex
        self.evaluated += other.evaluated
        self.shared_hits += other.shared_hits
        self.slow += other.slow
        self.answers += other.answers
        self.seconds += other.seconds
        self.file_rows.update(other.file_rows)
        return self


def changed(group) -> bool:
    return group[2] != group[3]


class ReplayCore:
    """Both engines (reference evaluator: durable-rules only cross-checks which items fire, the
    answer is the reference evaluator's) and the projection memo, built once per process."""

    def __init__(self, corpora, today: date):
        self.today = today
        self.engines = [replay_engine(c) for c in corpora]
        self.projector = Projector(list(corpora), today)
        self.memo: dict = {}
        self._groups: dict = {}
        self._domains = {}
        for c in corpora:
            for ref in c.all_refs():
                self._domains.setdefault(ref.item.id, ref.item.domain)
        self.copied = 0  # distinct projections whose second answer was the first (unaffected case)
        self._changed_ids, self._same_frame = _differences(corpora[0], corpora[1])
        self._unaffected: dict[str, tuple[bool, object]] = {}  # item id → (unaffected, its same-conduct group)
        self._links = [conduct_links(c) for c in corpora]
        self.shared = None  # a table shared by worker processes: projection → answers

    def _is_unaffected(self, facts) -> bool:
        """Both sides must give the same answer: the case names an item (no conduct search), its
        priors are matched without search (the officer's same_conduct, or an item of the case's
        same-conduct group: a prior under another item is matched by searching its wording over the
        whole corpus, Engine._prior_item_matcher), the snapshots share the registry and the
        statutory data, and no list holding an item of the case's same-conduct group differs between
        them (in any version: the end of a version depends on the next). Proved with the rest of the
        replay by the equality check against the production path."""
        if not self._same_frame or not facts.item_id or facts.conduct:
            return False
        got = self._unaffected.get(facts.item_id)
        if got is None:
            a, b = self._links
            group = same_conduct_group(a, facts.item_id)
            same = group == same_conduct_group(b, facts.item_id) and not any(
                ref.document.id in self._changed_ids
                for eng in self.engines for item in group for ref in eng.corpus.item_refs(item)
            )
            got = self._unaffected[facts.item_id] = (same, group)
        same, group = got
        if not same:
            return False
        for prior in facts.prior_offenses or ():
            if prior.same_conduct is None and (not prior.item_id or prior.item_id not in group):
                return False
        return True

    def decide(self, facts) -> tuple:
        a = evaluate_answer(self.engines[0], facts, self.today)
        if self._is_unaffected(facts):
            b = a
            self.copied += 1
        else:
            b = evaluate_answer(self.engines[1], facts, self.today)
        if facts.item_id == NOT_LISTED:
            item = "(不属于所提示的清单条目)"
        elif facts.item_id:
            item = facts.item_id
        elif facts.conduct:
            item = "描述→" + (b[1] or a[1] or "条目待确认")  # a text never decides an item: asked as item_id
        else:
            item = "(未给出条目或描述)"
        domain = facts.domain or self._domains.get(facts.item_id or b[1] or a[1] or "", "(未知领域)")
        group = (domain, item, a, b)
        return self._groups.setdefault(group, group)

    def export_memo(self) -> dict:
        """What this process has decided, in process-independent form (templates by content)."""
        proj = self.projector
        templates = {}
        memo = {}
        for (tid, sig), group in self.memo.items():
            tkey = proj.tkeys[tid]
            got = proj._templates.get(tkey)
            if not got or got[0] != tid:  # not cached (defensive: valid templates are kept)
                continue
            templates[tkey] = got[1]
            memo[(tkey, sig)] = group
        return {"templates": templates, "memo": memo}

    def import_memo(self, exported: dict) -> int:
        """Seed the memo with another process's decisions (export_memo); returns entries added."""
        proj = self.projector
        for tkey, facts in exported["templates"].items():
            if tkey not in proj._templates:
                proj._templates[tkey] = (proj.templates, facts)
                proj.templates += 1
                proj.tkeys.append(tkey)
        added = 0
        for (tkey, sig), group in exported["memo"].items():
            got = proj._templates.get(tkey)
            if got:
                key = (got[0], sig)
                if key not in self.memo:
                    self.memo[key] = self._groups.setdefault(group, group)
                    added += 1
        return added

    def _new(self, p: Partial, chunk: Chunk, row_no, ref, row: dict, key):
        """A row whose projection is not decided yet: read officially, decide, remember (and
        share with the other worker processes, when they share a table)."""
        shared_key = None
        if key is not None and self.shared is not None:
            shared_key = (self.projector.tkeys[key[0]], key[1])
            try:
                got = self.shared.get(shared_key)
            except Exception:  # noqa: BLE001 - the shared table is an optimisation only
                got = None
            if got is not None:
                got = self._groups.setdefault(got, got)
                self.memo[key] = got
                p.shared_hits += 1
                return got
        try:
            facts = read_row(jsonable(row))
        except RowError as exc:
            _bad(p, chunk.path, row_no, ref, exc)
            return None
        group = self.decide(facts)
        p.evaluated += 1
        if key is None:
            p.slow += 1
        else:
            self.memo[key] = group
            if shared_key is not None:
                try:
                    self.shared[shared_key] = group
                except Exception:  # noqa: BLE001
                    pass
        return group

    def _columns(self, chunk: Chunk, ref_column, p: Partial, counts: dict, collect: bool) -> int:
        """The Parquet fast path: rows as tuples of column values (types fixed by the schema)."""
        memo, key_of = self.memo, self.projector.key_columns
        changed_rows, examples = p.changed_rows, p.examples
        rows = 0
        for g in parquet_groups(chunk, ref_column):
            names, json_cols, layout, nested = g.names, g.json_cols, g.layout, g.nested

            def template(tv, priors=None):
                out = {}
                for name, v in zip(names, tv):
                    if v is not None:
                        out[name] = _json(v, name) if name in json_cols else v
                if priors is not None:
                    out["prior_offenses"] = priors
                return out

            dates = [col if col is not None else repeat(None) for col in g.dates]
            priors_col = g.priors if g.priors is not None else repeat(None)
            refs = g.refs if g.refs is not None else repeat(None)
            row_no = g.first_row - 1
            for _, tk, (act, dec, disc, end, birth), pv, ref in zip(
                    range(g.rows), zip(*g.cols) if names else repeat(()), zip(*dates), priors_col, refs):
                row_no += 1
                rows += 1
                # native nested cells (list<string>, map, struct) as hashable, type-exact values in
                # the template key; the template itself is built from the values (tv)
                tv = tk
                if nested:
                    tk = tuple(_h(v) if i in nested else v for i, v in enumerate(tv))
                priors = None
                try:
                    if pv is not None:
                        priors = prior_value(pv)
                except RowError as exc:
                    _bad(p, chunk.path, row_no, ref, exc)
                    continue
                if priors is None:
                    key = key_of((layout, tk), lambda: template(tv), act, dec, disc, end, birth, ())
                elif type(priors) is list and all(type(x) is dict and "date" in x for x in priors):
                    pk = tuple(tuple((a, _h(b)) for a, b in x.items() if a != "date") for x in priors)
                    key = key_of((layout, tk, pk), lambda: template(tv, priors), act, dec, disc, end, birth,
                                 [x["date"] for x in priors])
                else:
                    key = None
                group = memo.get(key) if key is not None else None
                if group is None:
                    try:
                        row = template(tv, priors)
                    except RowError as exc:
                        _bad(p, chunk.path, row_no, ref, exc)
                        continue
                    for name, v in zip(DATE_ORDER, (act, dec, disc, end, birth)):
                        if v is not None:
                            row[name] = v
                    group = self._new(p, chunk, row_no, ref, row, key)
                    if group is None:
                        continue
                counts[group] = counts.get(group, 0) + 1
                if collect:
                    p.answers.append((chunk.path, row_no, group[2], group[3]))
                if group[2] != group[3]:
                    changed_rows.append((chunk.path, row_no, ref, group))
                    if group not in examples:
                        full = template(tv, priors)
                        for name, v in zip(DATE_ORDER, (act, dec, disc, end, birth)):
                            if v is not None:
                                full[name] = v
                        examples[group] = (row_no, ref, jsonable(full), chunk.path)
        return rows

    def process(self, chunk: Chunk, ref_column: str | None = "case_ref", collect: bool = False) -> Partial:
        t0 = time.perf_counter()
        p = Partial()
        counts: dict = {}
        if chunk.fmt == "parquet":
            p.rows = self._columns(chunk, ref_column, p, counts, collect)
            p.groups = Counter(counts)
            p.file_rows[chunk.path] = p.rows
            p.seconds = time.perf_counter() - t0
            return p
        memo, key_of = self.memo, self.projector.key
        changed_rows, examples = p.changed_rows, p.examples
        rows = 0
        for row_no, ref, row in read_chunk(chunk, ref_column):
            rows += 1
            if type(row) is RowError:
                _bad(p, chunk.path, row_no, ref, row)
                continue
            key = key_of(row)
            group = memo.get(key) if key is not None else None
            if group is None:
                group = self._new(p, chunk, row_no, ref, row, key)
                if group is None:
                    continue
            counts[group] = counts.get(group, 0) + 1
            if collect:
                p.answers.append((chunk.path, row_no, group[2], group[3]))
            if group[2] != group[3]:
                changed_rows.append((chunk.path, row_no, ref, group))
                if group not in examples:
                    examples[group] = (row_no, ref, jsonable(row), chunk.path)
        p.rows = rows
        p.groups = Counter(counts)
        p.file_rows[chunk.path] = rows
        p.seconds = time.perf_counter() - t0
        return p


def _json(v, name):
    from penalty_rules.replay.reader import _json_cell

    return _json_cell(v, name)


def conduct_links(corpus) -> dict[str, set[str]]:
    """Items linked by `same_conduct_as` (both ways), as the engine links them."""
    links: dict[str, set[str]] = {}
    for ref in corpus.all_refs():
        for other in ref.item.same_conduct_as:
            links.setdefault(ref.item.id, set()).add(other)
            links.setdefault(other, set()).add(ref.item.id)
    return links


def same_conduct_group(links: dict[str, set[str]], item_id: str) -> set[str]:
    seen, todo = set(), [item_id]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(links.get(current, ()))
    return seen


def _differences(a, b) -> tuple[set[str], bool]:
    """(ids of lists that differ in any version, same registry and statutory data)."""
    def versions(corpus):
        out: dict[str, list] = {}
        for doc in corpus.documents:
            out.setdefault(doc.id, []).append(doc)
        return {k: sorted(v, key=lambda d: d.key) for k, v in out.items()}

    va, vb = versions(a), versions(b)
    changed = {i for i in set(va) | set(vb) if va.get(i) != vb.get(i)}
    same = a.registry == b.registry and a.statutory == b.statutory
    return changed, same


# ------------------------------------------------------------------------------ processes
_CORE: ReplayCore | None = None
_OPTS: dict = {}


def _work(chunk: Chunk) -> Partial:
    return _CORE.process(chunk, _OPTS.get("ref_column"), _OPTS.get("collect", False))


def run_local(corpora, chunks: list[Chunk], today: date, workers: int = 2, ref_column="case_ref",
              collect: bool = False, progress=None) -> Partial:
    """Single process (workers ≤ 1) or forked worker processes sharing the engines built here
    (copy-on-write): each worker keeps its own projection memo across its chunks. Under the
    collector policy of penalty_rules.gc_policy (the forked workers inherit it)."""
    with settled_heap():
        return _run_local(corpora, chunks, today, workers, ref_column, collect, progress)


def _run_local(corpora, chunks, today, workers, ref_column, collect, progress) -> Partial:
    global _CORE, _OPTS
    _CORE = ReplayCore(corpora, today)
    _OPTS = {"ref_column": ref_column, "collect": collect}
    total = Partial()
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            part = _work(chunk)
            total.merge(part)
            if progress:
                progress(part.rows)
        return total
    import multiprocessing as mp

    # the first chunk here, before the fork: the workers inherit its memo (the common patterns)
    first = _work(chunks[0])
    total.merge(first)
    if progress:
        progress(first.rows)
    ctx = mp.get_context("fork")
    manager = ctx.Manager()  # the workers share what they decide (a projection decided once)
    try:
        _CORE.shared = manager.dict()
        with ctx.Pool(workers) as pool:
            for part in pool.imap_unordered(_work, chunks[1:]):
                total.merge(part)
                if progress:
                    progress(part.rows)
    finally:
        _CORE.shared = None
        manager.shutdown()
    return total


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children (MiB)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own, kids)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
