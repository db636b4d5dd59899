"""The authority's published decision (“而且原决定为 …”) against the engine's answer and the case file.

A scenario whose definite answer differs from the published decision, or whose undetermined answer does not keep
it possible, fails unless it is tagged @disagreement (its comment then says why); a trainer would otherwise teach
another answer as the case's own. And every 原决定为 of a scenario tagged with a guidance case id (@hc-NNN) is that
case's recorded decision in ../shared/reference/guidance_cases.yaml."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from penalty_rules.scenarios.steps import outcome_code

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT.parent / "shared" / "reference" / "guidance_cases.yaml"

FEATURE = """# language: zh-CN
功能: 原决定对照
  背景:
    假如办案机关为聊城市
    而且决定日期为 2025-12-31

  {tag}
  场景: 认定违法行为轻微后不予处罚, 原机关作可以不予处罚
    假如违法行为为 "经营超过保质期的小零食"
    而且适用条目 "cn-samr-2025-1/x10"
    而且当事人为 "企业"
    而且违法行为发生于 2025-03-01
    而且违法行为轻微
    而且当事人首次违法
    而且及时改正
    而且没有造成危害后果
    而且涉案货值不足 500 元
    而且符合清单条件 "能如实说明进货来源"
    而且符合清单条件 "未发生食品安全事故或食源性疾病"
    而且符合清单条件 "不属于餐饮环节(原文:不包括餐饮环节)"
    当执法人员提交案情
    那么处理建议为 "不予处罚"
    而且原决定为 "可以不予处罚"
"""


def _run(tmp_path, tag):
    folder = tmp_path / tag.strip("@") if tag else tmp_path / "plain"
    folder.mkdir()
    (folder / "compare.feature").write_text(FEATURE.format(tag=tag), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", "scenarios", "run", str(folder),
                           "--reports", str(folder / "reports")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_an_answer_other_than_the_published_one_needs_the_disagreement_tag(tmp_path):
    untagged = _run(tmp_path, "")
    assert untagged.returncode != 0
    assert "须标注 @disagreement" in untagged.stdout + untagged.stderr
    tagged = _run(tmp_path, "@disagreement")
    assert tagged.returncode == 0, tagged.stdout + tagged.stderr


def _published_steps():
    """(file, line, case id, label) of every 原决定为 step under a scenario tagged @hc-NNN."""
    out = []
    for path in sorted((ROOT / "features").rglob("*.feature")):
        case = None
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            s = line.strip()
            if s.startswith("@"):
                ids = re.findall(r"@(hc-\d+)", s)
                case = ids[0] if ids else None
            m = re.search(r'原决定为 "([^"]+)"', s)
            if m and case and not s.startswith("#"):
                out.append((path.relative_to(ROOT).as_posix(), n, case, m.group(1)))
    return out


@pytest.mark.skipif(not CASES.exists(), reason="the shared reference folder is not beside the project")
def test_each_published_decision_is_the_case_files():
    decided = {c["id"]: c["decision"] for c in yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]}
    steps = _published_steps()
    assert len(steps) > 20
    wrong = [(f, n, case, label, decided.get(case)) for f, n, case, label in steps
             if outcome_code(label) != decided.get(case)]
    assert not wrong, wrong


def test_an_examples_block_tagged_disagreement_is_reported_as_one(tmp_path):
    """pytest-bdd's cucumber JSON holds the template's tags only: the report reads the run's record too, so the
    hc-085 row under an Examples block tagged @disagreement is counted and marked (与原决定不同)."""
    proc = subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", "scenarios", "run",
                           str(ROOT / "features" / "transport"), "--tag", "hc-085", "--reports", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    count = re.search(r"与原决定不同\(disagreement\) (\d+)", proc.stdout + next(tmp_path.glob("*.html")).read_text(
        encoding="utf-8"))
    assert count and int(count.group(1)) >= 1
