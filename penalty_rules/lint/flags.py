"""Import flags that must be resolved before an item may bind anyone.

The importer keeps an exclusion the list states without 除外 (造成危害后果的，依法处罚 / …不适用本清单 /
a heading ending in 除外 with the cases after it) as one custom condition and flags the item
`conditions.exclusion` (penalty_rules.importer.grammar). The conditions model has no negated form:
such a custom sits in `all` like any other condition, so an officer answering it "符合" would make the
item apply to the very cases the list excludes. The reviewer must rewrite the condition (e.g. as
“未造成危害后果”) or remove it, then delete the flag. Likewise `conditions.outcome_mismatch`: the
conditions cell names an outcome (…的，依法从轻处罚) other than the row's — the item may be more lenient
than the list's words until the reviewer settles the outcome.

Flags meaning the list's words may be lost (conditions.moved_to_note, source_rows_unjoined, <field>.unread /
.unresolved / .version: _LOST below; not <field>.article, which versions in force carry from
tools/import_reference.py — blocking it would put a warning on their answers) block in the same way; the reviewer checks the words against the table and
deletes the flag.

Until then: a draft holding the flag gets a warning here, an item holding it cannot be approved and
its version cannot be requested for publication or published (service.reviews). Deleting the flag
alone does not lift it: a custom condition still in the exclusion's form (…的，依法处罚 / …除外 /
不适用本清单, not negated) blocks as the flag does. A version published before these checks that
holds the flag loads with a warning (refusing it would stop a service that ran the day before, and
a published version cannot be edited): the fix is a new version, and until then an answer decided by
such an item says so (explain.decide).
"""

import re
from functools import lru_cache
from pathlib import Path

from penalty_rules.errors import Problem
from penalty_rules.load.locator import Locator
from penalty_rules.model.conditions import Custom
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts_json import loc_text
from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument, Status

BLOCKING_FLAGS = {  # flag → (what is wrong, what the reviewer must do)
    "conditions.exclusion": (
        "排除情形被保留为适用条件(清单原文为“…的，依法处罚/不适用”一类的排除), 作为条件回答“符合”会使条目适用于清单排除的情形",
        "须把该条件改写为否定的条件(如“造成危害后果的，依法处罚”改为“未造成危害后果”)或删除"),
    "conditions.outcome_mismatch": (
        "适用条件原文所述的处理结果(如“…的，依法从轻处罚”)与该行的处理结果不同, 条目可能比清单原文更从宽",
        "须按清单原文确定条目的处理结果(outcome)或拆分条目"),
    "conditions.first_offense_unstated": (
        "处理结果或分节标题写明首违(首次、初次违法), 适用条件却没有“初次违法”, 条目会适用于非初次违法的当事人",
        "须把“初次违法”(first_offense, 含清单所定的期限)写入适用条件后删除此标记"),
}
# Flags meaning the list's words may be lost or read more widely block too (the reviewer checks the words against
# the table and deletes the flag: that edit is the recorded reason to let the item pass, seen in the draft's
# diff and covered by the reviewer's approval of the item's new content). Flags of words kept narrower (custom,
# bracket, fragment, negation, structure_unclear, k_of_n, party, source_rows_joined) do not block: the item
# can only ask more than the list, never less.
_LOST = {
    "conditions.moved_to_note": (
        "适用条件中可能是条件的文字被移入备注(未作为条件), 条目可能在缺少这些条件时适用, 比清单原文更从宽",
        "须核对备注中的原文, 把其中的条件写入 conditions(或确认其不是条件)"),
    "conditions.heading_unread": (
        "“有下列情形之一”一类标题中的文字未能作为每一项的共同条件读取(标题本身被当作一项可选条件, 或标题中的条件被移入备注),"
        " 条目可能在缺少这些条件时适用, 比清单原文更从宽",
        "须按原文把标题中的条件写入每一项(all 中的共同条件), 删除作为可选项的标题文字"),
    "conditions.numbered_cases": (
        "编号各项未写“之一”或“同时”, 导入时按择一的情形读取(每项都写明了危害后果和改正), 若清单原意是各项同时符合,"
        " 条目会比清单原文更从宽",
        "须按清单原文核对各项是择一还是同时符合, 确认择一后删除此标记(同时符合的, 改写为 all)"),
    "source_rows_unjoined": (
        "表格中本条目的续行(处理结果不同)未并入, 本条目的文字可能不全",
        "须按原表核对并补全本条目(或拆分为两个条目)"),
}
for _field, _zh in (("violated", "违法依据"), ("penalty_basis", "处罚依据"), ("exemption_basis", "不予处罚/从轻依据")):
    _LOST[f"{_field}.unread"] = (f"{_zh}栏中有未能识别的文字(如条文范围的中间各条、版本), 引用可能不全或按错误的版本核对",
                                 f"须按原表补全{_zh}的引用(条、款、项及所依据的版本)")
    _LOST[f"{_field}.unresolved"] = (f"{_zh}的引用在法规文本中未找到, 只记录到可核对的部分(条/款/项被删去)",
                                     f"须核对{_zh}的原文引用并改正")
    _LOST[f"{_field}.version"] = (f"{_zh}所引条文在所依据版本(表格所注或清单日期施行的版本)中的内容与本条目不符,"
                                  " 或无法确定所依据的版本", f"须核对{_zh}所依据的法律版本及条文")
BLOCKING_FLAGS.update(_LOST)
CODES = {"conditions.exclusion": "unresolved_exclusion", "conditions.outcome_mismatch": "unresolved_outcome_clause",
         "conditions.moved_to_note": "unresolved_moved_words", "source_rows_unjoined": "unresolved_continuation_row",
         "conditions.heading_unread": "unresolved_heading", "conditions.first_offense_unstated": "unresolved_first_offense",
         "conditions.numbered_cases": "unresolved_numbered_cases"}
CODES.update({f: "unresolved_citation" for f in _LOST if f.endswith((".unread", ".unresolved", ".version"))})


# An exclusion's form, in a custom condition the reviewer has not rewritten: what the importer itself
# keeps as an exclusion (its EXCEPT_CLAUSE / EXCEPT_HEAD / EXCLUSION: …的，依法处罚 / 应予处罚 / 处…罚款 /
# 按一般程序处理 / 不适用 …, 以下情形不适用：…, …的，不认定为…), and …除外 / 不适用本清单. A bracket quoting
# the source (原文: …除外) is the reviewer's note, not the condition; 以外 is no exclusion (位于…以外).
_SOURCE_QUOTE = re.compile(r"[（(]原文[:：].*?[)）]")
_PLAIN_EXCLUSION = re.compile(r"除外|不适用本清单")


@lru_cache(maxsize=4096)
def reads_as_exclusion(wording: str) -> bool:
    from penalty_rules.importer.grammar import EXCEPT_CLAUSE, EXCEPT_HEAD, EXCLUSION, names_exclusion

    core = _SOURCE_QUOTE.sub("", wording).strip()
    # names_exclusion: a consequence that is a penalty or the list's leniency withheld (…的，不予免罚 / 则依法处罚 /
    # 不在此列 / 除…外 / 排除：…)
    return any(p.search(core) for p in (EXCEPT_CLAUSE, EXCEPT_HEAD, EXCLUSION, _PLAIN_EXCLUSION)) \
        or names_exclusion(core)


def exclusion_wordings(item: Item) -> list[str]:
    """Custom conditions of the item still worded as an exclusion (flag or not)."""
    return [c.custom for c in item.conditions.iter_all() if isinstance(c, Custom) and reads_as_exclusion(c.custom)]


def wording_at_fault(item: Item, flag: str) -> str:
    """The custom conditions a blocking flag is about, quoted (“…”、“…”); empty when it names none."""
    return "、".join(f"“{w}”" for w in exclusion_wordings(item)) if flag == "conditions.exclusion" else ""


def blocking_flags(item: Item, *, reread: bool = True) -> list[str]:
    """The item's import flags that forbid approving or publishing it as it reads; with `reread`, also
    conditions.exclusion when a custom condition is still in an exclusion's form (the flag deleted
    without the rewrite)."""
    flags = [f for f in item.provenance.flags if f in BLOCKING_FLAGS]
    if reread and "conditions.exclusion" not in flags and exclusion_wordings(item):
        flags.insert(0, "conditions.exclusion")
    return flags


def published_flagged_items(corpus: Corpus) -> dict[tuple[str, str, str], list[str]]:
    """Items of versions in force (not drafts) that hold a blocking import flag: (list id, version,
    item id) → flags. An item id stands in every version of its list, with the flags of that
    version; such a version was published before the checks and still decides cases; whoever reads
    its answers in bulk (the replay report) must be told which items of which versions they are."""
    out = {}
    for doc in corpus.documents:
        if doc.status is Status.draft:
            continue
        for item in doc.items:
            flags = blocking_flags(item, reread=False)
            if flags:
                out[(doc.id, doc.version, item.id)] = flags
    return out


def blocking_zh(item: Item) -> str:
    """One sentence per blocking flag of the item, with the wording at fault and what the reviewer must do."""
    out = []
    for f in blocking_flags(item):
        said = wording_at_fault(item, f)
        out.append(f"条目 {item.id}: {BLOCKING_FLAGS[f][0]}({f}{'; 条件 ' + said if said else ''}); {_resolve(f)}")
    return "; ".join(out)


def _resolve(flag: str) -> str:
    return f"{BLOCKING_FLAGS[flag][1]}, 再从 provenance.flags 中删除此标记"


def check_flags(corpus: Corpus, root: Path | None = None) -> list[Problem]:
    """`unresolved_exclusion` / `unresolved_outcome_clause`, warnings: on a draft (to rewrite before
    review), and on a published version that holds the flag (published before these checks: a new
    version must replace it)."""
    locator = Locator(corpus, root)
    problems = []
    for doc in corpus.documents:
        problems += _document_flags(doc, locator)
    return problems


def _document_flags(doc: ListDocument, locator: Locator) -> list[Problem]:
    draft = doc.status is Status.draft
    out = []
    for i, item in enumerate(doc.items):
        for flag in blocking_flags(item, reread=draft):
            n = item.provenance.flags.index(flag) if flag in item.provenance.flags else None
            loc = ("items", i, "provenance", "flags", n) if n is not None else ("items", i, "conditions")
            file, line, col = locator.locate(doc, loc)
            if draft:
                where = f"草案发布前须处理: {_resolve(flag)}"
            else:
                where = ("该版本在本检查之前已发布, 已发布版本不能修改: 请以新的版本号建立草案, 在草案中"
                         f"{BLOCKING_FLAGS[flag][1].removeprefix('须')}, 再审核发布; 在此之前, 由该条目作出的结论会提示此问题")
            out.append(Problem(CODES[flag], f"{doc.key} 条目 {item.id}: {BLOCKING_FLAGS[flag][0]}; {where}",
                               file, line, col, loc_text(loc),
                               severity="warning"))
    return out
