"""`penalty-rules scenarios run`: run feature files through pytest-bdd in a subprocess, show progress,
print a Chinese summary, write cucumber JSON and a self-contained HTML report.

The subprocess gets a throw-away harness directory (conftest importing the step library, one test
module calling pytest_bdd.scenarios(<path>), a pytest.ini registering every tag as a marker), so
any folder of features can be run, not only features/.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from penalty_rules.scenarios.lint import collect_tags, feature_files
from penalty_rules.scenarios.steps import LOG_ENV

RESULT_LINE = re.compile(r"^(?P<nodeid>\S.*?) (?P<status>PASSED|FAILED|XFAIL|XPASS|SKIPPED|ERROR)\b")


@dataclass
class RunResult:
    returncode: int
    counts: dict[str, int]
    cucumber_json: Path
    html_report: Path
    records: list[dict] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _harness(features: Path, where: Path) -> None:
    (where / "conftest.py").write_text(
        "from penalty_rules.scenarios.http_steps import *  # noqa: F401,F403\n"
        "from penalty_rules.scenarios.steps import *  # noqa: F401,F403\n", encoding="utf-8"
    )
    (where / "test_scenarios.py").write_text(
        "from pytest_bdd import scenarios\n\n" f"scenarios({str(features)!r})\n", encoding="utf-8"
    )
    tags = sorted(collect_tags(features) | {"engine_bug", "disagreement"})
    markers = "\n".join(f"    {t}: 场景标签" for t in tags)
    (where / "pytest.ini").write_text(
        "[pytest]\n"
        "disable_test_id_escaping_and_forfeit_all_rights_to_community_support = true\n"
        f"markers =\n{markers}\n",
        encoding="utf-8",
    )


def run(path: Path, *, tag: str | None = None, reports: Path = Path("reports"), progress=None) -> RunResult:
    """Run the features under `path`; `progress(nodeid, status)` is called per finished scenario."""
    path = Path(path).resolve()
    if not feature_files(path):
        raise FileNotFoundError(f"{path} 下没有 .feature 文件")
    reports.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    cucumber = (reports / f"scenarios-{stamp}.json").resolve()
    report = (reports / f"scenarios-{stamp}.html").resolve()
    with tempfile.TemporaryDirectory(prefix="penalty-scenarios-") as tmp:
        harness = Path(tmp)
        _harness(path, harness)
        log = harness / "records.jsonl"
        cmd = [
            sys.executable, "-m", "pytest", str(harness), "-c", str(harness / "pytest.ini"),
            "--rootdir", str(harness), "-p", "no:cacheprovider", "-v", "--no-header",
            "-o", "console_output_style=classic", f"--cucumberjson={cucumber}",
        ]
        if tag:
            cmd += ["-m", tag.lstrip("@")]
        env = dict(os.environ, **{LOG_ENV: str(log)})
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                encoding="utf-8")
        counts: dict[str, int] = {}
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            m = RESULT_LINE.match(line.strip())
            if m and "::" in m.group("nodeid"):
                status = m.group("status").lower()
                counts[status] = counts.get(status, 0) + 1
                if progress:
                    progress(m.group("nodeid"), status)
        returncode = proc.wait()
        records = []
        if log.exists():
            records = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines() if x.strip()]
    cucumber_data = json.loads(cucumber.read_text(encoding="utf-8")) if cucumber.exists() else []
    report.write_text(render_html(cucumber_data, records, title=f"场景运行报告 {path.name}"), encoding="utf-8")
    return RunResult(returncode, counts, cucumber, report, records, "".join(lines))


def count_scenarios(path: Path) -> int:
    """Scenarios plus example rows (what pytest will collect), for the progress bar."""
    total = 0
    for file in feature_files(Path(path)):
        outline, in_examples, header_seen = False, False, False
        for raw in file.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line.startswith(("场景大纲", "剧本大纲")):
                outline, in_examples = True, False
            elif line.startswith(("场景", "剧本")):
                outline, in_examples = False, False
                total += 1
            elif line.startswith("例子") and outline:
                in_examples, header_seen = True, False
            elif line.startswith("|") and in_examples:
                if header_seen:
                    total += 1
                header_seen = True
    return total


def summary_zh(result: RunResult) -> str:
    c = result.counts
    parts = [f"通过 {c.get('passed', 0)}", f"失败 {c.get('failed', 0) + c.get('error', 0)}"]
    if c.get("xfail"):
        parts.append(f"已知引擎问题(预期失败) {c['xfail']}")
    if c.get("xpass"):
        parts.append(f"意外通过 {c['xpass']}")
    if c.get("skipped"):
        parts.append(f"跳过 {c['skipped']}")
    return f"共 {sum(c.values())} 个场景: " + ", ".join(parts)


def failure_reasons_zh(result: RunResult) -> list[str]:
    """The terminal lines for each failed scenario: where it is, expected vs actual, the deciding rule
    (the same content as the HTML report, so a trainer need not open it)."""
    failed = []
    for line in result.output.splitlines():
        m = RESULT_LINE.match(line.strip())
        if m and m.group("status") in ("FAILED", "ERROR") and "::" in m.group("nodeid"):
            failed.append(m.group("nodeid"))
    by_node = {}
    for rec in result.records:
        by_node[rec.get("nodeid", "").split("::", 1)[-1]] = rec
    out = []
    for nodeid in failed:
        test = nodeid.split("::", 1)[-1]
        rec = by_node.get(test, {})
        where = f"{rec['feature_file']}:{rec['line']}" if rec.get("feature_file") else ""
        out.append(f"✘ 失败: {rec.get('scenario') or test}" + (f" ({where})" if where else ""))
        if "[" in test:  # a row of an outline's examples
            out.append(f"    例子: {test.split('[', 1)[1].rstrip(']')}")
        bad = [c for c in rec.get("checks", []) if not c.get("ok")]
        for c in bad:
            out.append(f"    {c['what']}: 期望 {c['expected']}, 实际 {c['actual']}")
        if rec.get("error"):
            out.append(f"    案情未被受理: {rec['error']}")
        if "outcome" in rec:
            rule = rec.get("chosen_rule") or "-"
            item = rec.get("chosen_item") or "-"
            named = f"{rec['rule_zh']} ({rule})" if rec.get("rule_zh") and not rec.get("chosen_item") else rule
            out.append(f"    决定规则: {named}; 适用条目: {item}")
            if rec.get("missing"):
                out.append("    需要补充的事实: " + " / ".join(f"{m['fact']}: {m['question']}" for m in rec["missing"]))
            if rec.get("basis"):
                out.append("    法律依据: " + "; ".join(rec["basis"]))
            if rec.get("reference"):
                out.append("    参考依据(不能作为法律依据引用): " + "; ".join(rec["reference"]))
        if not bad and not rec.get("error"):
            out.append(f"    {_step_error(result.output, test)}")
    return out


def _step_error(output: str, test: str) -> str:
    """The last error line pytest printed for a test (a step not found, a parse error ...)."""
    block = output.split(test)[-1] if test in output else output
    lines = [x.strip() for x in block.splitlines() if x.strip().startswith("E ")]
    return lines[0][1:].strip() if lines else "步骤出错, 见 HTML 报告"


# --------------------------------------------------------------------------------------- HTML
CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:2px solid #ccc;padding-bottom:4px}
.desc{color:#555;white-space:pre-line;font-size:13px}
.summary{padding:8px 12px;background:#fff;border:1px solid #ddd;display:inline-block}
.scenario{background:#fff;border:1px solid #ddd;border-left:6px solid #999;margin:12px 0;padding:8px 12px}
.scenario.passed{border-left-color:#2e7d32}.scenario.failed{border-left-color:#c62828}
.scenario.skipped{border-left-color:#f9a825}
.name{font-weight:bold}.status{float:right;font-size:12px;padding:2px 8px;border-radius:3px;color:#fff}
.status.passed{background:#2e7d32}.status.failed{background:#c62828}.status.skipped{background:#f9a825}
.tags{color:#1565c0;font-size:12px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0}
tr.bad td{background:#ffebee}ol.steps{font-size:13px;color:#444}li.failed{color:#c62828}
.err{white-space:pre-wrap;font-size:12px;background:#fff3f3;padding:6px;max-height:160px;overflow:auto}
"""

FACT_LABELS = {
    "item_id": "条目", "conduct": "违法行为", "domain": "执法领域", "jurisdiction": "行政区划",
    "act_date": "违法行为日期", "decision_date": "决定日期", "party_type": "当事人类型",
    "first_offense": "首次违法", "prior_offenses": "违法记录", "corrected": "改正情况", "harm": "危害后果",
    "minor_violation": "违法行为轻微", "illegal_gains_yuan": "违法所得(元)", "goods_value_yuan": "涉案货值(元)",
    "subjective_fault": "有主观过错", "age": "年龄", "mental_condition": "违法行为时的精神状况(经鉴定或者查明)", "discovered_date": "发现日期",
    "circumstances": "情节", "safety_related": "涉及生命健康安全", "quantities": "数量", "custom_conditions": "清单条件",
    "attested": "认定事项",
}


def _e(value) -> str:
    return html.escape(str(value))


@functools.cache
def _corpus():
    """The lists the report labels come from, loaded once (None when they do not load)."""
    from penalty_rules.config import Settings
    from penalty_rules.errors import CorpusInvalid
    from penalty_rules.load.loader import load_corpus

    try:
        return load_corpus(Settings.from_env().lists_dir).corpus
    except CorpusInvalid:
        return None


@functools.cache
def _custom_labels() -> dict[str, str]:
    """custom_xxx key → the list's own wording, so trainers read the condition, not its hash."""
    from penalty_rules.model.conditions import Custom

    corpus = _corpus()
    return {} if corpus is None else {
        c.key: c.custom
        for ref in corpus.all_refs()
        for c in ref.item.conditions.iter_all()
        if isinstance(c, Custom)
    }


def _fact_value(key: str, value) -> str:
    if key == "custom_conditions" and isinstance(value, dict):
        labels = _custom_labels()
        return "; ".join(f"{labels.get(k, k)}: {'是' if v else '否'}" for k, v in value.items())
    if key == "attested" and isinstance(value, dict):  # tag → its Chinese label (词表 kind: attested)
        from penalty_rules.model.vocabulary import VOCABULARY

        zh = {t: d.zh for t, d in VOCABULARY.attested.items()}
        return "; ".join(f"{zh.get(k, k)}: {'是' if v else '否'}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


def _facts_table(facts: dict) -> str:
    rows = "".join(
        f"<tr><th>{_e(FACT_LABELS.get(k, k))}</th><td>{_e(_fact_value(k, v))}</td></tr>"
        for k, v in facts.items()
    )
    return f"<table class='facts'><caption>案情</caption>{rows}</table>"


def _checks_table(rec: dict) -> str:
    rows = "".join(
        f"<tr class='{'ok' if c['ok'] else 'bad'}'><td>{_e(c['what'])}</td><td>{_e(c['expected'])}</td>"
        f"<td>{_e(c['actual'])}</td><td>{'✔' if c['ok'] else '✘'}</td></tr>"
        for c in rec.get("checks", [])
    )
    return (
        "<table class='checks'><caption>期望与实际</caption><tr><th>检查</th><th>期望</th><th>实际</th><th></th></tr>"
        f"{rows}</table>"
    )


def _decision_block(rec: dict) -> str:
    if rec.get("error"):
        return f"<p>案情未被受理: {_e(rec['error'])}</p>"
    if "outcome" not in rec:
        return "<p>(未提交案情)</p>"
    items = [
        ("处理建议", f"{rec['outcome_zh']} ({rec['outcome']})"),
        ("可能的处理结果", "、".join(rec.get("possible") or []) or "-"),
        ("适用条目", rec.get("chosen_item") or "-"),
        ("适用规则", (f"{rec['rule_zh']} ({rec['chosen_rule']})" if rec.get("rule_zh") and rec.get("chosen_rule")
                      and not rec.get("chosen_item") else rec.get("chosen_rule")) or "-"),
        ("法律依据", "; ".join(rec.get("basis") or []) or "-"),
        ("参考依据(不能作为法律依据引用)", "; ".join(rec.get("reference") or []) or "-"),
        ("应采取措施", "、".join(rec.get("measures") or []) or "-"),
        ("需要补充的事实", " / ".join(f"{m['fact']}: {m['question']}" for m in rec.get("missing") or []) or "-"),
        ("提示", " / ".join(rec.get("warnings") or []) or "-"),
    ]
    if rec.get("original"):
        items.append(("原决定(案例出处)", rec["original"]))
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in items)
    return f"<table class='decision'><caption>引擎答案(实际)</caption>{rows}</table>"


STATUS_ZH = {"passed": "通过", "failed": "失败", "skipped": "跳过"}
EXTRA_GROUPS = {"statutory": "行政处罚法法定规则", "service": "HTTP 服务", "": "其他"}
FILTER_CSS = """
.filters{margin:12px 0}.filters label{margin-right:14px;cursor:pointer}
nav.toc{background:#fff;border:1px solid #ddd;padding:8px 16px;font-size:13px}
nav.toc li{margin:2px 0}.count{color:#777}
.badge{font-size:11px;padding:1px 6px;border-radius:3px;color:#fff;background:#6a1b9a;margin-left:6px}
#show-passed:checked~main .scenario:not(.passed){display:none}
#show-failed:checked~main .scenario:not(.failed){display:none}
#show-disagreement:checked~main .scenario:not(.disagreement){display:none}
"""


@functools.cache
def _domain_names() -> dict[str, str]:
    """Domain code → Chinese name (lists/domains.yaml, read by the list loader)."""
    corpus = _corpus()
    return {} if corpus is None else {d.code: d.zh for d in corpus.registry.domains}


def _tag_names(tags) -> list[str]:
    return [t["name"].lstrip("@") for t in tags or []]


def _domain_of(feature: dict) -> str:
    """The feature's domain: a domain tag of the feature, else its folder's name."""
    names = _domain_names()
    for tag in _tag_names(feature.get("tags")):
        if tag in names:
            return tag
    parent = Path(str(feature.get("uri") or "")).parent.name
    return parent if parent in names or parent in EXTRA_GROUPS else ""


def _domain_zh(code: str) -> str:
    return _domain_names().get(code) or EXTRA_GROUPS.get(code) or code


def render_html(cucumber: list[dict], records: list[dict], *, title: str = "场景运行报告") -> str:
    """One self-contained page (inline CSS, no scripts, no external assets): a table of contents by
    domain and feature, filters (all / passed / failed / disagreement, CSS only), every scenario with
    its facts, the engine's answer and expected vs actual."""
    by_key = {(r.get("feature_file"), r.get("name")): r for r in records}
    by_name = {r.get("name"): r for r in records}
    total = {"passed": 0, "failed": 0, "skipped": 0}
    disagreements = 0
    groups: dict[str, list[tuple[int, dict]]] = {}
    for n, feature in enumerate(cucumber):
        groups.setdefault(_domain_of(feature), []).append((n, feature))
    toc = []
    body = []
    for domain in sorted(groups, key=lambda d: (d == "", d)):
        dom_id = f"domain-{domain or 'other'}"
        body.append(f"<section class='domain' id='{_e(dom_id)}'><h2>{_e(_domain_zh(domain))}"
                    f" <span class='count'>{_e(domain)}</span></h2>")
        toc_features = []
        for n, feature in groups[domain]:
            fid = f"feature-{n}"
            counts = {"passed": 0, "failed": 0, "skipped": 0}
            parts = []
            for el in feature.get("elements", []):
                statuses = [s["result"]["status"] for s in el.get("steps", [])]
                status = "failed" if "failed" in statuses else "skipped" if "skipped" in statuses else "passed"
                total[status] = total.get(status, 0) + 1
                counts[status] = counts.get(status, 0) + 1
                rec = by_key.get((feature.get("uri"), el.get("id"))) or by_name.get(el.get("id")) or {}
                # an Examples block's tags are not in pytest-bdd's cucumber JSON: the run's record has them
                tag_list = _tag_names(el.get("tags")) + _tag_names(feature.get("tags")) + list(rec.get("tags", []))
                disagreement = "disagreement" in tag_list
                disagreements += disagreement
                tags = " ".join("@" + t for t in _tag_names(el.get("tags")))
                steps = "".join(
                    f"<li class='{s['result']['status']}'>{_e(s['keyword'])}{_e(s['name'])}</li>"
                    for s in el.get("steps", [])
                )
                errors = "".join(
                    f"<div class='err'>{_e(s['result'].get('error_message', '')[-1500:])}</div>"
                    for s in el.get("steps", []) if s["result"]["status"] == "failed" and s["result"].get("error_message")
                )
                badge = "<span class='badge'>与原决定不同</span>" if disagreement else ""
                cls = f"scenario {status}" + (" disagreement" if disagreement else "")
                parts.append(
                    f"<div class='{cls}'><span class='status {status}'>{_e(STATUS_ZH.get(status, status))}</span>"
                    f"<div class='name'>{_e(el.get('name'))}{badge}</div><div class='tags'>{_e(tags)}</div>"
                    f"<div class='testid'>{_e(el.get('id'))}</div>"
                    f"<ol class='steps'>{steps}</ol>{_facts_table(rec.get('facts', {}))}"
                    f"{_decision_block(rec)}{_checks_table(rec)}{errors}</div>"
                )
            body.append(f"<section class='feature' id='{fid}'><h3>{_e(feature.get('name'))}</h3>")
            body.append(f"<div class='desc'>{_e(feature.get('description') or '')}</div>")
            body.append(f"<div class='desc'>文件: {_e(feature.get('uri'))}</div>")
            body.extend(parts)
            body.append("</section>")
            mark = f", 失败 {counts['failed']}" if counts["failed"] else ""
            toc_features.append(
                f"<li><a href='#{fid}'>{_e(feature.get('name'))}</a> "
                f"<span class='count'>(场景 {sum(counts.values())}, 通过 {counts['passed']}{_e(mark)})</span></li>"
            )
        body.append("</section>")
        toc.append(f"<li><a href='#{_e(dom_id)}'>{_e(_domain_zh(domain))}</a><ul>{''.join(toc_features)}</ul></li>")
    summary = (
        f"场景 {sum(total.values())} 个: 通过 {total['passed']}, 失败 {total['failed']}, 跳过 {total['skipped']}"
        f"; 与原决定不同(disagreement) {disagreements}"
    )
    filters = (
        "<input type='radio' name='filter' id='show-all' checked><label for='show-all'>全部</label>"
        "<input type='radio' name='filter' id='show-passed'><label for='show-passed'>通过</label>"
        "<input type='radio' name='filter' id='show-failed'><label for='show-failed'>失败</label>"
        "<input type='radio' name='filter' id='show-disagreement'>"
        "<label for='show-disagreement'>与原决定不同</label>"
    )
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{CSS}{FILTER_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='summary'>{_e(summary)}</p>"
        f"<p class='desc'>生成时间 {datetime.now().isoformat(timespec='seconds')}; 每个场景按聊城市案件评价。</p>"
        f"<nav class='toc'><h2>目录(按执法领域与功能)</h2><ul>{''.join(toc)}</ul></nav>"
        f"<div class='filters'>筛选: </div>{filters}"
        "<main>" + "".join(body) + "</main></body></html>"
    )
