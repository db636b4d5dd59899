"""The replay report: tables (CSV and Parquet), a self-contained HTML page with charts (PNG
embedded as base64, no external reference) and a terminal summary (Rich). Labels are Chinese."""

import base64
import csv
import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from penalty_rules.model.listdoc import Status
from penalty_rules.model.outcome import LENIENCY, UNDETERMINED, UNDETERMINED_ZH, Outcome

ERROR_ZH = {"unknown_item": "条目不存在(该版本无此条目)", "unknown_domain": "未知执法领域",
            "unknown_jurisdiction": "不支持的行政区划", "act_after_decision": "违法行为日期晚于决定日期"}
FACT_ZH_LIMIT = 3
TOP_GROUPS = 20

# Short Chinese names of the facts an answer asks for (the questions themselves are in
# penalty_rules.explain.questions; these name the fact in a table cell).
FACT_ZH = {
    "conduct": "违法行为", "item_id": "清单条目", "domain": "执法领域", "jurisdiction": "行政区划",
    "act_date": "违法行为日期", "decision_date": "决定日期", "discovered_date": "发现日期",
    "party_type": "当事人类型", "first_offense": "是否首次违法", "prior_offenses": "违法记录",
    "corrected": "改正情况", "harm": "危害后果", "minor_violation": "违法行为是否轻微",
    "illegal_gains_yuan": "违法所得", "goods_value_yuan": "货值金额", "subjective_fault": "主观过错",
    "age": "年龄(出生日期)", "birth_date": "出生日期", "mental_condition": "违法行为时的精神或智力状况(经鉴定或者查明)",
    "mental_condition_cause": "违法行为时不能辨认或控制行为的原因(经鉴定或者查明)", "continuing": "是否连续或继续状态",
    "act_end_date": "连续或继续状态终了日期", "violated_law": "违反的法律、法规",
    "circumstances": "从轻、减轻情节", "safety_related": "是否涉及生命健康安全、金融安全",
}


def fact_zh(fact: str) -> str:
    """The Chinese name of a fact key of the facts contract (custom_conditions.<key> etc.)."""
    if fact in FACT_ZH:
        return FACT_ZH[fact]
    head, _, rest = fact.partition(".")
    if head == "quantities" or fact in _quantity_facts():
        from penalty_rules.model.vocabulary import VOCABULARY

        q = VOCABULARY.quantities.get(rest or fact)
        return q.zh if q else f"数量 {rest}"
    if head == "attested":  # attested.<tag>: the tag's Chinese label
        from penalty_rules.model.vocabulary import VOCABULARY

        c = VOCABULARY.conditions.get(rest)
        return c.zh if c else f"认定事项 {rest}"
    if head == "custom_conditions":
        from penalty_rules.model.vocabulary import VOCABULARY

        c = VOCABULARY.conditions.get(rest)
        return c.zh if c else f"清单条件 {rest}"
    if head == "special_law_facts":
        return f"单行法事实 {rest}"
    if fact.startswith("prior_offenses["):
        n = fact[len("prior_offenses["):].split("]")[0]
        return f"第 {int(n) + 1} 条违法记录是否同类违法行为" if n.isdigit() else "违法记录"
    try:
        from penalty_rules.model.facts import CaseFacts

        desc = CaseFacts.model_fields[fact].description
        return desc.split("(")[0] if desc else fact
    except KeyError:
        return fact


def _quantity_facts() -> set:
    from penalty_rules.model.vocabulary import VOCABULARY

    return {q.fact for q in VOCABULARY.quantities.values() if q.fact}


def domain_names(corpora) -> dict[str, str]:
    """Domain code → Chinese name, from the registries of the two sides."""
    out = {}
    for corpus in corpora:
        for d in corpus.registry.domains:
            out.setdefault(d.code, d.zh)
    return out


def outcome_zh(o: str, short: bool = False) -> str:
    if o == UNDETERMINED:
        return UNDETERMINED_ZH
    if o.startswith("error:"):
        text = ERROR_ZH.get(o[6:], f"无法判断({o[6:]})")
        return text.split("(")[0] if short else text
    try:
        return Outcome(o).zh
    except ValueError:
        return o


def _rank(o: str):
    try:
        return LENIENCY[Outcome(o)]
    except ValueError:
        return None


def direction(a: str, b: str) -> str:
    """更从宽 / 更严 / 新增不确定 / 不再不确定 / 其他 / 不变."""
    if a == b:
        return "不变"
    if b == UNDETERMINED:
        return "新增尚不能确定"
    if a == UNDETERMINED:
        return "不再尚不能确定"
    ra, rb = _rank(a), _rank(b)
    if ra is not None and rb is not None:
        return "更从宽" if rb > ra else "更严"
    return "其他变化"


@dataclass
class Tables:
    rows: int
    valid: int
    bad: int
    changed: int
    outcome_changed: int
    matrix: Counter
    by_domain: dict
    by_item: dict
    newly_undetermined: Counter
    top_groups: list
    from_outcomes: Counter
    to_outcomes: Counter
    figures: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)  # domain code → Chinese name
    bad_listed: int = 0  # bad rows listed one by one (all are counted; the list is capped)

    def domain_zh(self, code: str) -> str:
        return self.domains.get(code, code)


def _stats():
    return {"cases": 0, "changed": 0, "outcome_changed": 0, "more_lenient": 0, "less_lenient": 0,
            "newly_undetermined": 0, "resolved": 0}


def build_tables(partial, domains: dict | None = None) -> Tables:
    """The report's tables; `domains` names the domain codes (domain_names(corpora))."""
    matrix, fo, to = Counter(), Counter(), Counter()
    by_domain, by_item = defaultdict(_stats), defaultdict(_stats)
    newly = Counter()
    changed = outcome_changed = 0
    valid = 0
    for (domain, item, a, b), n in partial.groups.items():
        valid += n
        matrix[(a[0], b[0])] += n
        fo[a[0]] += n
        to[b[0]] += n
        d = direction(a[0], b[0])
        for s in (by_domain[domain], by_item[(domain, item)]):
            s["cases"] += n
            if a != b:
                s["changed"] += n
            if a[0] != b[0]:
                s["outcome_changed"] += n
            if d == "更从宽":
                s["more_lenient"] += n
            elif d == "更严":
                s["less_lenient"] += n
            elif d == "新增尚不能确定":
                s["newly_undetermined"] += n
            elif d == "不再尚不能确定":
                s["resolved"] += n
        if a != b:
            changed += n
        if a[0] != b[0]:
            outcome_changed += n
        if d == "新增尚不能确定":
            newly[(domain, item, a[0], "、".join(fact_zh(f) for f in b[4][:FACT_ZH_LIMIT]))] += n
    groups = sorted(((n, g) for g, n in partial.groups.items() if g[2] != g[3]),
                    key=lambda x: (-x[0], x[1][0], x[1][1], str(x[1][2]), str(x[1][3])))[:TOP_GROUPS]
    top = []
    for n, g in groups:
        ex = partial.examples.get(g)
        top.append({"cases": n, "domain": g[0], "item": g[1], "from": g[2], "to": g[3],
                    "example_file": Path(ex[3]).name if ex else None, "example_row": ex[0] if ex else None,
                    "example_ref": ex[1] if ex else None, "example_facts": ex[2] if ex else None})
    return Tables(partial.rows, valid, partial.bad, changed, outcome_changed, matrix, dict(by_domain),
                  dict(by_item), newly, top, fo, to, domains=dict(domains or {}), bad_listed=len(partial.bad_rows))


def flagged_decisions(partial, item_ids, side: int) -> Counter:
    """Cases whose answer on one side (0: 重放前, 1: 重放后) names one of `item_ids`, per item id.
    The answer names the item, not the list version that decided (Engine.verdict)."""
    out = Counter()
    for (_domain, _item, a, b), n in partial.groups.items():
        item = (a, b)[side][1]
        if item in item_ids:
            out[item] += n
    return out


def flag_warnings(partial, corpora: list) -> list[str]:
    """The report's warnings for snapshots (corpora: 重放前, 重放后) holding versions published
    before the import-flag check (an exclusion kept as a condition, an outcome clause other than
    the row's): their answers may be more lenient than the list's words; the service says it per
    answer, the replay once per (list, version, item) holding the flag. An item id stands in every
    version of its list and the replay's answer does not say which version decided: when another
    published version holds the id, the warning names it (with or without a flag) and says its
    count includes that version's answers."""
    from penalty_rules.lint.flags import BLOCKING_FLAGS, published_flagged_items

    out = []
    for side, (name, corpus) in enumerate(zip(("重放前", "重放后"), corpora)):
        flagged = published_flagged_items(corpus)
        counts = flagged_decisions(partial, {item for _l, _v, item in flagged}, side)
        holders: dict[str, list[tuple[str, str]]] = {}
        for doc in corpus.documents:
            if doc.status is not Status.draft:
                for it in doc.items:
                    holders.setdefault(it.id, []).append((doc.id, doc.version))
        for (list_id, version, item_id), flags in sorted(flagged.items()):
            what = "; ".join(BLOCKING_FLAGS[f][0] for f in flags)
            others = sorted(f"{lst}@{ver}{'(含导入问题)' if (lst, ver, item_id) in flagged else '(无此问题)'}"
                            for lst, ver in holders.get(item_id, ()) if (lst, ver) != (list_id, version))
            mixed = (f"(该条目编号亦见于已发布版本 {'、'.join(others)}; 重放的答案不区分作出答案的版本, "
                     "此数含这些版本作出的答案)") if others else ""
            out.append(f"{name}快照的已发布版本 {list_id}@{version} 条目 {item_id} 含发布前未处理的导入问题({what}): "
                       f"本次重放中由该条目编号作出的答案 {counts.get(item_id, 0):,} 件{mixed}, 须逐件核对; "
                       "该版本须改写后以新版本重新审核发布")
    return out


def _answer_text(a) -> str:
    outcome, item, rule, possible, missing = a
    parts = [outcome_zh(outcome)]
    if item:
        parts.append(f"条目 {item}")
    elif rule:
        parts.append(f"规则 {rule}")
    if possible:
        parts.append("可能: " + "/".join(outcome_zh(o) for o in possible))
    if missing:
        more = "…" if len(missing) > FACT_ZH_LIMIT else ""
        parts.append("待补: " + "、".join(fact_zh(f) for f in missing[:FACT_ZH_LIMIT]) + more)
    return "; ".join(parts)


# ------------------------------------------------------------------------------ files
def _records(t: Tables, partial, labels) -> dict[str, tuple[list[str], list[list]]]:
    out = {}
    out["matrix"] = (["from_outcome", "to_outcome", "from_zh", "to_zh", "cases"],
                     [[a, b, outcome_zh(a), outcome_zh(b), n] for (a, b), n in sorted(t.matrix.items(), key=lambda x: -x[1])])
    cols = ["cases", "changed", "outcome_changed", "more_lenient", "less_lenient", "newly_undetermined", "resolved"]
    z = t.domain_zh
    domains = sorted(t.by_domain.items(), key=lambda x: (-x[1]["changed"], x[0]))
    out["by_domain"] = (["domain", "domain_zh", *cols], [[d, z(d), *(s[c] for c in cols)] for d, s in domains])
    items = sorted(t.by_item.items(), key=lambda x: (-x[1]["changed"], x[0]))
    out["by_item"] = (["domain", "domain_zh", "item", *cols],
                      [[d, z(d), i, *(s[c] for c in cols)] for (d, i), s in items])
    out["newly_undetermined"] = (["domain", "domain_zh", "item", "from_outcome", "facts_asked", "cases"],
                                 [[d, z(d), i, a, f, n] for (d, i, a, f), n in t.newly_undetermined.most_common()])
    out["top_groups"] = (
        ["rank", "cases", "domain", "domain_zh", "item", "from_outcome", "to_outcome", "from_answer", "to_answer",
         "example_file", "example_row", "example_ref", "example_facts"],
        [[i + 1, g["cases"], g["domain"], z(g["domain"]), g["item"], g["from"][0], g["to"][0], _answer_text(g["from"]),
          _answer_text(g["to"]), g["example_file"], g["example_row"], g["example_ref"],
          json.dumps(g["example_facts"], ensure_ascii=False, sort_keys=True) if g["example_facts"] else None]
         for i, g in enumerate(t.top_groups)])
    out["changed_cases"] = (
        ["file", "row", "case_ref", "domain", "item", "from_outcome", "to_outcome", "from_rule", "to_rule"],
        [[Path(f).name, r, ref, g[0], g[1], g[2][0], g[3][0], g[2][2] or g[2][1], g[3][2] or g[3][1]]
         for f, r, ref, g in sorted(partial.changed_rows, key=lambda x: (x[0], x[1]))])
    out["bad_rows"] = (["file", "row", "case_ref", "code", "field", "message"],
                       [[Path(f).name, r, ref, code, fld, msg] for f, r, ref, code, fld, msg in
                        sorted(partial.bad_rows, key=lambda x: (x[0], x[1]))])
    return out


def write_tables(t: Tables, partial, out: Path, formats=("csv", "parquet"), labels=None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in _records(t, partial, labels).items():
        if "csv" in formats:
            path = out / f"{name}.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)
            written.append(path)
        if "parquet" in formats:
            import pyarrow as pa
            import pyarrow.parquet as pq

            cols = {h: [r[i] for r in rows] for i, h in enumerate(header)}
            table = pa.table({h: pa.array(v, type=pa.string() if all(x is None or isinstance(x, str) for x in v)
                                          else None) for h, v in cols.items()}) if rows else \
                pa.table({h: pa.array([], type=pa.string()) for h in header})
            path = out / f"{name}.parquet"
            pq.write_table(table, path)
            written.append(path)
    return written


# ------------------------------------------------------------------------------ charts
def _fig_png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _setup_matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [n for n in ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "SimHei", "Source Han Sans SC")
           if n in names]
    matplotlib.rcParams["font.sans-serif"] = cjk + ["DejaVu Sans"]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return bool(cjk)


def charts(t: Tables) -> dict[str, str]:
    has_cjk = _setup_matplotlib()
    import matplotlib.pyplot as plt
    import numpy as np

    lab = outcome_zh if has_cjk else (lambda o: o)
    out = {}
    outcomes = sorted(set(t.from_outcomes) | set(t.to_outcomes),
                      key=lambda o: (-(_rank(o) if _rank(o) is not None else -1 if o == UNDETERMINED else -2), o))
    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = np.arange(len(outcomes))
    ax.bar(x - 0.2, [t.from_outcomes[o] for o in outcomes], 0.4, label="重放前" if has_cjk else "from")
    ax.bar(x + 0.2, [t.to_outcomes[o] for o in outcomes], 0.4, label="重放后" if has_cjk else "to")
    ax.set_xticks(x, [lab(o) for o in outcomes], rotation=20, ha="right")
    ax.set_ylabel("案件数" if has_cjk else "cases")
    ax.legend()
    out["outcomes"] = _fig_png(fig)
    if not outcomes:  # every row bad: no decision to chart (imshow refuses an empty matrix)
        return out

    fig, ax = plt.subplots(figsize=(6.5, 5))
    m = np.array([[t.matrix.get((a, b), 0) for b in outcomes] for a in outcomes], dtype=float)
    ax.imshow(np.log10(m + 1), cmap="Blues")
    for i in range(len(outcomes)):
        for j in range(len(outcomes)):
            if m[i, j]:
                ax.text(j, i, f"{int(m[i, j]):,}", ha="center", va="center", fontsize=7,
                        color="white" if m[i, j] > m.max() / 10 else "black")
    ax.set_xticks(range(len(outcomes)), [lab(o) for o in outcomes], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(outcomes)), [lab(o) for o in outcomes], fontsize=8)
    ax.set_xlabel("重放后" if has_cjk else "to")
    ax.set_ylabel("重放前" if has_cjk else "from")
    out["matrix"] = _fig_png(fig)

    doms = sorted(t.by_domain.items(), key=lambda x: -x[1]["changed"])[:15]
    doms = [d for d in doms if d[1]["changed"]] or doms[:5]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(doms) + 1))
    names = [t.domain_zh(d) if has_cjk else d for d, _ in doms][::-1]
    ax.barh(names, [s["more_lenient"] for _, s in doms][::-1], label="更从宽" if has_cjk else "more lenient")
    left = [s["more_lenient"] for _, s in doms][::-1]
    ax.barh(names, [s["less_lenient"] for _, s in doms][::-1], left=left, label="更严" if has_cjk else "stricter")
    left2 = [a + s["less_lenient"] for a, (_, s) in zip(left, doms[::-1])]
    other = [s["changed"] - s["more_lenient"] - s["less_lenient"] for _, s in doms][::-1]
    ax.barh(names, other, left=left2, label="其他变化(含尚不能确定、条目增删)" if has_cjk else "other")
    ax.set_xlabel("答案变化的案件数" if has_cjk else "changed cases")
    ax.legend(fontsize=8)
    out["domains"] = _fig_png(fig)
    return out


# ------------------------------------------------------------------------------ html
_CSS = """body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f0f3f7}td.n{text-align:right;font-variant-numeric:tabular-nums}pre{white-space:pre-wrap;font-size:11px;margin:0}
.note{color:#555;font-size:13px}h2{border-bottom:2px solid #dde;padding-bottom:3px}img{max-width:100%}"""


class Pre(str):
    """A table cell shown preformatted (an example's facts)."""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _cell(i, v, numeric) -> str:
    if i in numeric and isinstance(v, int):
        return f"<td class='n'>{v:,}</td>"
    if isinstance(v, Pre):
        return f"<td><pre>{_e(v)}</pre></td>"
    return f"<td>{_e(v)}</td>"


def _table(header, rows, numeric=()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(_cell(i, v, numeric) for i, v in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(t: Tables, partial, path: Path, meta: dict) -> Path:
    imgs = charts(t)
    outcomes = sorted(set(t.from_outcomes) | set(t.to_outcomes),
                      key=lambda o: (-(_rank(o) if _rank(o) is not None else -1 if o == UNDETERMINED else -2), o))
    matrix_rows = [[outcome_zh(a)] + [t.matrix.get((a, b), 0) for b in outcomes] + [t.from_outcomes[a]]
                   for a in outcomes]
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>案件重放报告</title>"
             f"<style>{_CSS}</style></head><body>"]
    parts.append("<h1>案件重放报告(清单版本影响分析)</h1>")
    parts.append(_table(["项目", "内容"], [[k, v] for k, v in meta.get("describe", [])]))
    if meta.get("warnings"):
        parts.append("<h2>警告</h2><ul>" + "".join(f"<li>{_e(w)}</li>" for w in meta["warnings"]) + "</ul>")
    parts.append("<p class='note'>每个案件按相同事实、相同日期分别在“重放前”和“重放后”两个清单快照下判断。"
                 "答案包括处理结果、适用条目/规则、可能结果和待补事实; 任何一项不同即计为“答案变化”。</p>")
    capped = t.bad > t.bad_listed
    summary = [["案件行数", t.rows], ["有效案件", t.valid],
               [f"无效行(逐行列出前 {t.bad_listed:,} 行)" if capped else "无效行(已逐行列出)", t.bad],
               ["答案变化", t.changed], ["处理结果变化", t.outcome_changed],
               ["新增尚不能确定", sum(s["newly_undetermined"] for s in t.by_domain.values())]]
    parts.append("<h2>概览</h2>" + _table(["指标", "案件数"], summary, numeric=(1,)))
    parts.append(f"<h2>处理结果分布</h2><img alt='处理结果分布' src='data:image/png;base64,{imgs['outcomes']}'>")
    parts.append("<h2>结果变化矩阵(行: 重放前, 列: 重放后)</h2>")
    parts.append(_table(["重放前 \\ 重放后", *[outcome_zh(o) for o in outcomes], "合计"], matrix_rows,
                        numeric=tuple(range(1, len(outcomes) + 2))))
    if "matrix" in imgs:
        parts.append(f"<img alt='结果变化矩阵' src='data:image/png;base64,{imgs['matrix']}'>")
    cols = ["cases", "changed", "outcome_changed", "more_lenient", "less_lenient", "newly_undetermined", "resolved"]
    zh = ["案件", "答案变化", "结果变化", "更从宽", "更严", "新增尚不能确定", "不再尚不能确定"]
    parts.append("<h2>按执法领域</h2>")
    if "domains" in imgs:
        parts.append(f"<img alt='按领域' src='data:image/png;base64,{imgs['domains']}'>")
    parts.append(_table(["领域", *zh], [[t.domain_zh(d), *(s[c] for c in cols)] for d, s in
                                        sorted(t.by_domain.items(), key=lambda x: (-x[1]["changed"], x[0]))],
                        numeric=tuple(range(1, 8))))
    items = sorted(t.by_item.items(), key=lambda x: (-x[1]["changed"], -x[1]["cases"], x[0]))
    parts.append(f"<h2>按条目(前 60 项, 共 {len(items)} 项)</h2>")
    parts.append(_table(["领域", "条目", *zh], [[t.domain_zh(d), i, *(s[c] for c in cols)] for (d, i), s in items[:60]],
                        numeric=tuple(range(2, 9))))
    parts.append("<h2>新增“尚不能确定”的案件</h2>")
    nu = t.newly_undetermined.most_common(50)
    parts.append(_table(["领域", "条目", "重放前结果", "需补充的事实(前三项)", "案件"],
                        [[t.domain_zh(d), i, outcome_zh(a), f, n] for (d, i, a, f), n in nu], numeric=(4,))
                 if nu else "<p>没有。</p>")
    parts.append(f"<h2>变化最多的 {TOP_GROUPS} 组案件(每组一例)</h2>")
    parts.append("<p class='note'>一组 = 同一领域、同一条目、重放前后答案相同的案件。</p>")
    parts.append(_table(["#", "案件", "领域", "条目", "重放前", "重放后", "示例(文件、行号、案件编号、事实)"], [
        [i + 1, g["cases"], t.domain_zh(g["domain"]), g["item"], _answer_text(g["from"]), _answer_text(g["to"]),
         Pre(f"{g['example_file']} 第 {g['example_row']} 行 {g['example_ref'] or ''}\n"
             + json.dumps(g["example_facts"], ensure_ascii=False, sort_keys=True, indent=1))]
        for i, g in enumerate(t.top_groups)], numeric=(1,)))
    bad = sorted(partial.bad_rows, key=lambda x: (x[0], x[1]))[:200]
    if capped:
        parts.append(f"<h2>无效行({t.bad:,} 行; 未参与重放; 行数过多, bad_rows.csv 只列出前 {t.bad_listed:,} 行, "
                     f"其余 {t.bad - t.bad_listed:,} 行只计数)</h2>")
    else:
        parts.append(f"<h2>无效行({t.bad:,} 行; 未参与重放, 逐行列于 bad_rows.csv)</h2>")
    parts.append(_table(["文件", "行号", "案件编号", "错误代码", "字段", "说明"],
                        [[Path(f).name, r, ref, c, fld, m] for f, r, ref, c, fld, m in bad]) if bad else "<p>没有。</p>")
    parts.append("<h2>运行数据</h2>")
    parts.append(_table(["项目", "数值"], [[k, v] for k, v in meta.get("figures", [])]))
    parts.append("</body></html>")
    text = "\n".join(parts)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ terminal
def print_summary(console, t: Tables, meta: dict) -> None:
    from rich.table import Table

    outcomes = sorted(set(t.from_outcomes) | set(t.to_outcomes),
                      key=lambda o: (-(_rank(o) if _rank(o) is not None else -1 if o == UNDETERMINED else -2), o))
    tab = Table(title="结果变化矩阵(行: 重放前, 列: 重放后)")
    tab.add_column("重放前 \\ 重放后")
    for o in outcomes:
        tab.add_column(outcome_zh(o, short=True), justify="right", overflow="fold")
    for a in outcomes:
        tab.add_row(outcome_zh(a, short=True), *[(f"[bold]{t.matrix.get((a, b), 0):,}[/bold]" if a != b and t.matrix.get((a, b))
                                      else f"{t.matrix.get((a, b), 0):,}") for b in outcomes])
    console.print(tab)
    dt = Table(title="答案变化最多的领域")
    for c in ("领域", "案件", "答案变化", "结果变化", "更从宽", "更严", "新增尚不能确定"):
        dt.add_column(c, justify="right" if c != "领域" else "left")
    for d, s in sorted(t.by_domain.items(), key=lambda x: -x[1]["changed"])[:10]:
        dt.add_row(t.domain_zh(d), *(f"{s[c]:,}" for c in ("cases", "changed", "outcome_changed", "more_lenient",
                                                "less_lenient", "newly_undetermined")))
    console.print(dt)
    console.print(f"案件行数 {t.rows:,}; 有效 {t.valid:,}; 无效行 {t.bad:,}; 答案变化 {t.changed:,}; "
                  f"处理结果变化 {t.outcome_changed:,}", highlight=False)
    if t.bad > t.bad_listed:
        console.print(f"无效行过多: bad_rows 只列出前 {t.bad_listed:,} 行, 其余只计数", highlight=False)
    for k, v in meta.get("figures", []):
        console.print(f"  {k}: {v}", highlight=False, markup=False)
    for w in meta.get("warnings", []):
        console.print(f"警告: {w}", highlight=False, markup=False)
