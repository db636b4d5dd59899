"""Import flags that must be resolved before an item may bind anyone.

The importer keeps an exclusion the list states without 除外 (造成危害后果的，依法处罚 / …不适用本清单 /
a heading ending in 除外 with the cases after it) as one custom condition and flags the item
`conditions.exclusion` (penalty_rules.importer.grammar). The conditions model has no negated form:
such a custom sits in `all` like any other condition, so an officer answering it "符合" would make the
item apply to the very cases the list excludes. The reviewer must rewrite the condition (e.g. as
“未造成危害后果”) or remove it, then delete the flag. Likewise `conditions.outcome_mismatch`: the
conditions cell names an outcome (…的，依法从轻处罚) other than the row's — the item may be more lenient
than the list's words until the reviewer settles the outcome.

Until then: a draft holding the flag gets a warning here, an item holding it cannot be approved and
its version cannot be requested for publication or published (service.reviews), and a version in
force holding it is refused at load (error): it could never have been reviewed as it reads.
"""

from pathlib import Path

from penalty_rules.errors import Problem
from penalty_rules.load.locator import Locator
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument, Status

BLOCKING_FLAGS = {  # flag → (what is wrong, what the reviewer must do)
    "conditions.exclusion": (
        "排除情形被保留为适用条件(清单原文为“…的，依法处罚/不适用”一类的排除), 作为条件回答“符合”会使条目适用于清单排除的情形",
        "须把该条件改写为否定的条件(如“造成危害后果的，依法处罚”改为“未造成危害后果”)或删除"),
    "conditions.outcome_mismatch": (
        "适用条件原文所述的处理结果(如“…的，依法从轻处罚”)与该行的处理结果不同, 条目可能比清单原文更从宽",
        "须按清单原文确定条目的处理结果(outcome)或拆分条目"),
}
CODES = {"conditions.exclusion": "unresolved_exclusion", "conditions.outcome_mismatch": "unresolved_outcome_clause"}


def blocking_flags(item: Item) -> list[str]:
    """The item's import flags that forbid approving or publishing it as it reads."""
    return [f for f in item.provenance.flags if f in BLOCKING_FLAGS]


def blocking_zh(item: Item) -> str:
    """One sentence per blocking flag of the item, with what the reviewer must do."""
    return "; ".join(f"条目 {item.id}: {BLOCKING_FLAGS[f][0]}({f}); {_resolve(f)}" for f in blocking_flags(item))


def _resolve(flag: str) -> str:
    return f"{BLOCKING_FLAGS[flag][1]}, 再从 provenance.flags 中删除此标记"


def check_flags(corpus: Corpus, root: Path | None = None) -> list[Problem]:
    """`unresolved_exclusion` / `unresolved_outcome_clause`: a warning on a draft, an error on any
    version that is not a draft."""
    locator = Locator(corpus, root)
    problems = []
    for doc in corpus.documents:
        problems += _document_flags(doc, locator)
    return problems


def _document_flags(doc: ListDocument, locator: Locator) -> list[Problem]:
    draft = doc.status is Status.draft
    out = []
    for i, item in enumerate(doc.items):
        for flag in blocking_flags(item):
            n = item.provenance.flags.index(flag)
            file, line, col = locator.locate(doc, ("items", i, "provenance", "flags", n))
            where = "草案发布前须处理" if draft else "已发布(施行中或已废止)的版本不能含有未处理的导入标记"
            out.append(Problem(CODES[flag],
                               f"{doc.key} 条目 {item.id}: {BLOCKING_FLAGS[flag][0]}; {where}: {_resolve(flag)}",
                               file, line, col, f"items[{i}].provenance.flags[{n}]",
                               severity="warning" if draft else "error"))
    return out
