"""`penalty-rules scenarios new --item ID` for every bundled item: each scaffolded feature runs and
passes as generated (expected answers derived from the item's conditions and 行政处罚法, not from the
engine). All features are run in one `scenarios run` to keep the time bounded."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from penalty_rules.config import Settings
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.scenarios.lint import lint_paths
from penalty_rules.scenarios.scaffold import ScaffoldContext, context_for, scaffold_feature, statutory_outcomes

ROOT = Path(__file__).resolve().parents[2]


def test_scaffold_every_item_passes_as_generated(tmp_path):
    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    features = tmp_path / "features"
    features.mkdir()
    ids = corpus.item_ids()
    for item_id in ids:
        ref = corpus.latest(item_id)
        text = scaffold_feature(ref.item, context=context_for(corpus, ref))
        (features / (item_id.replace("/", "-") + ".feature")).write_text(text, encoding="utf-8")
    assert lint_paths(features) == []
    reports = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "penalty_rules.cli.app", "scenarios", "run", str(features), "--reports", str(reports)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    cucumber = json.loads(next(reports.glob("*.json")).read_text(encoding="utf-8"))
    passing = [
        f["uri"] for f in cucumber
        if all(s["result"]["status"] == "passed" for el in f["elements"] for s in el["steps"])
    ]
    print(f"\n脚手架场景: {len(passing)} / {len(ids)} 个条目的生成场景全部通过")
    assert len(cucumber) == len(ids)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert " 失败 0" in proc.stdout
    assert len(passing) == len(ids)


def test_scaffold_analogue_item_expects_statutory_answer():
    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    ref = next(r for i in corpus.item_ids() for r in [corpus.latest(i)] if not r.document.binding_level)
    ctx = context_for(corpus, ref)
    assert not ctx.binding
    text = scaffold_feature(ref.item, context=ctx)
    assert f'候选条目 "{ref.item.id}" 对本案不具约束力' in text
    assert "不具约束力" in text.split("背景:")[0]


def test_statutory_rules_from_conditions():
    new = dict(act=date(2025, 10, 1), decision=date(2025, 12, 31))
    old = dict(act=date(2020, 3, 1), decision=date(2020, 6, 1))
    minor = {"minor_violation": True, "corrected": "promptly", "harm": "none"}
    assert statutory_outcomes(minor, **new) == ["no_penalty"]  # 33(1) first sentence
    first = {"first": True, "corrected": "within_deadline", "harm": "minor", "minor_violation": False}
    assert statutory_outcomes(first, **new) == ["discretionary_no_penalty"]
    assert statutory_outcomes(first, **old) == []  # no 初次违法 sentence before 2021-07-15
    blocked = {"first": False, "corrected": "not", "harm": "serious", "minor_violation": False, "circ": set()}
    assert statutory_outcomes(blocked, **new) == []
    assert statutory_outcomes({**blocked, "circ": {"confessed"}}, **new) == ["lighter_penalty"]
    assert statutory_outcomes({**blocked, "circ": {"confessed"}}, **old) == []


def test_scaffold_dates_inside_item_validity():
    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    ref = corpus.latest("cn-samr-2025-1/x10")
    item = ref.item.model_copy(update={"effective_to": date(2025, 9, 1)})
    from penalty_rules.model.corpus import ItemRef

    ctx = context_for(corpus, ItemRef(ref.document, item))
    assert ctx.binding and ctx.applies
    assert ref.document.start <= ctx.act_date <= ctx.decision_date < date(2025, 9, 1)
    text = scaffold_feature(item, context=ctx)
    assert f"违法行为发生于 {ctx.act_date.isoformat()}" in text
    assert ScaffoldContext().act_date == date(2025, 10, 1)  # default: inside every list in force now


def test_scaffold_expects_33_2_open_where_a_special_law_may_replace_it(corpus):
    """医疗器械监督管理条例 87, 化妆品监督管理条例 68, 药品管理法实施条例 75 replace 33(2) for some drugs cases
    (special-laws.yaml, possible_domains drugs): a drugs item's no-fault row cannot expect 不予处罚 without the
    violated law; a domain no special law reaches keeps 33(2)."""
    no_fault = {"no_fault": True, "minor_violation": False, "corrected": "not_corrected", "harm": "serious"}
    new = dict(act=date(2025, 10, 1), decision=date(2025, 12, 1))
    assert statutory_outcomes(no_fault, **new) == ["no_penalty"]
    assert statutory_outcomes(no_fault, **new, no_fault_open=True) == []
    drug = next(r for r in corpus.all_refs() if r.item.id == "nm-drug-annex5/01")
    assert context_for(corpus, drug).no_fault_open
    road = next(r for r in corpus.all_refs() if r.item.domain == "road_traffic" and not r.item.violated)
    assert not context_for(corpus, road).no_fault_open
