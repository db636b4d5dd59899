"""Conflicting and shadowed items among lists that bind the same place at the same time.

Two items are compared when their documents have the same jurisdiction (analogue lists: the same
locality; analogues are never compared with binding lists), they share a domain, their versions are
in force on a common day (drafts never are; versions of one list replace each other and are not
compared) and they name the same conduct: the same violation text once punctuation and whitespace
are removed, or a `same_conduct_as` link in either direction.

- Same conditions, different outcomes → error `conflicting_outcomes`: the lists give two answers.
  Between analogue lists (which never decide a case) the same finding is a warning: it usually
  mirrors the source (e.g. one conduct on both the 从轻 and the 减轻 list of a county).
- One item's conditions strictly imply the other's (a strict superset of conditions) and its outcome
  ranks the same or lower in the registry's precedence (default: the same or less lenient) →
  warning `shadowed_item`: whenever it applies, the other applies too and wins, so it can never
  change the answer.

The comparison of conditions is syntactic: every tag, threshold and custom condition is one atom.
"""

import unicodedata
from collections import defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

from penalty_rules.errors import Problem
from penalty_rules.load.locator import Locator
from penalty_rules.model.conditions import Conditions, condition_key
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import Level, ListDocument, Status


def normalise_conduct(text: str) -> str:
    """Violation text without punctuation, symbols or whitespace; full-width folded (NFKC)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def canonical(conds: Conditions) -> tuple[frozenset, frozenset]:
    """Conditions with order removed: (set of `all` keys, set of `any_of` bundles)."""
    return (
        frozenset(condition_key(c) for c in conds.all),
        frozenset(frozenset(condition_key(c) for c in bundle) for bundle in conds.any_of),
    )


def alternatives(conds: Conditions) -> list[frozenset]:
    """The condition sets each of which, all held, makes the item apply."""
    base = frozenset(condition_key(c) for c in conds.all)
    if not conds.any_of:
        return [base]
    return [base | {condition_key(c) for c in bundle} for bundle in conds.any_of]


def implies(x: Conditions, y: Conditions) -> bool:
    """Whenever x holds, y holds (each way to satisfy x contains a way to satisfy y)."""
    ys = alternatives(y)
    return all(any(alt >= y_alt for y_alt in ys) for alt in alternatives(x))


def _group(doc: ListDocument) -> tuple[str, str] | None:
    if doc.status is Status.draft:
        return None
    if doc.level is Level.analogue:
        return ("analogue", doc.locality)
    return ("binding", doc.jurisdiction or "")


def _overlap(corpus: Corpus, a: ListDocument, b: ListDocument) -> bool:
    """Whether two versions are in force on a common day (an unknown start counts as always)."""
    start_a, start_b = a.start or date.min, b.start or date.min
    end_a, end_b = corpus.end_of(a) or date.max, corpus.end_of(b) or date.max
    return start_a < end_b and start_b < end_a


def check_conflicts(corpus: Corpus, root: Path | None = None) -> list[Problem]:
    """Problems `conflicting_outcomes` (error; warning among analogues) and `shadowed_item` (warning).

    `root` is the lists folder; with it every problem carries the file:line of the item."""
    locator = Locator(corpus, root)
    groups: dict[tuple[str, str], list[ListDocument]] = defaultdict(list)
    for doc in corpus.documents:
        key = _group(doc)
        if key is not None:
            groups[key].append(doc)

    # candidate pairs: same group, domain and normalised conduct, or linked by same_conduct_as
    pairs = []
    for docs in groups.values():
        entries = [(doc, i, item) for doc in docs for i, item in enumerate(doc.items)]
        buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_id: dict[str, list[int]] = defaultdict(list)
        for n, (_, _, item) in enumerate(entries):
            buckets[(item.domain, normalise_conduct(item.violation))].append(n)
            by_id[item.id].append(n)
        candidates: set[tuple[int, int]] = set()
        for members in buckets.values():
            candidates.update(combinations(members, 2))
        for n, (_, _, item) in enumerate(entries):
            for other_id in item.same_conduct_as:
                for m in by_id.get(other_id, []):
                    if m != n:
                        candidates.add((min(n, m), max(n, m)))
        for n, m in sorted(candidates):
            (da, _, x), (db, _, y) = entries[n], entries[m]
            if da is not db and (da.id == db.id or not _overlap(corpus, da, db)):
                continue
            if x.domain == y.domain:
                pairs.append((entries[n], entries[m]))

    problems = []
    for (da, i, x), (db, j, y) in pairs:
        if canonical(x.conditions) == canonical(y.conditions):
            if x.outcome is not y.outcome:
                file, line, col = locator.locate(db, ("items", j, "id"))
                binding = da.binding_level
                problems.append(
                    Problem(
                        "conflicting_outcomes",
                        f"条目 {y.id}({db.key})与 {x.id}({da.key})为同一违法行为、适用条件相同,"
                        f"处理结果却不同({y.outcome.zh} / {x.outcome.zh})"
                        + ("" if binding else ";均为外地类比清单, 不作为处理依据, 仅提示"),
                        file, line, col, f"items[{j}].outcome",
                        severity="error" if binding else "warning",
                    )
                )
            continue
        for (dw, w, weak), (ds, s, strong) in (((da, i, x), (db, j, y)), ((db, j, y), (da, i, x))):
            # `strong` needs strictly more than `weak`: shadowed unless it is more lenient
            if implies(strong.conditions, weak.conditions) and not implies(weak.conditions, strong.conditions):
                if corpus.registry.rank(strong.outcome) <= corpus.registry.rank(weak.outcome):
                    file, line, col = locator.locate(ds, ("items", s, "id"))
                    problems.append(
                        Problem(
                            "shadowed_item",
                            f"条目 {strong.id}({ds.key})的适用条件严格多于同一违法行为的 {weak.id}({dw.key}),"
                            f"处理结果({strong.outcome.zh})却不比后者({weak.outcome.zh})更从宽,永远不会改变结论",
                            file, line, col, f"items[{s}].conditions",
                            severity="warning",
                        )
                    )
    return problems
