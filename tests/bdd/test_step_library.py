"""The shared step library, tested the way pytest-bdd tests itself: a small feature and the
conftest are written into pytester, pytest runs them, and the outcome counts are asserted."""

import pytest

pytest_plugins = ["pytester"]

CONFTEST = "from penalty_rules.scenarios.steps import *  # noqa: F401,F403\n"
TEST_MODULE = 'from pytest_bdd import scenarios\n\nscenarios("library.feature")\n'
INI = "[pytest]\ndisable_test_id_escaping_and_forfeit_all_rights_to_community_support = true\nmarkers =\n    t\n    engine_bug\n"

FEATURE = """# language: zh-CN
功能: 步骤库自测

  背景:
    假如办案机关为聊城市
    而且决定日期为 2025-12-31

  @t
  场景: 首违不罚正例
    假如适用条目 "cn-tax-2021-6/03"
    而且违法行为发生于 2024-03-01
    而且当事人首次违法
    而且在责令期限内改正
    而且危害后果轻微
    当执法人员提交案情
    那么处理建议为 "不予处罚"
    而且处理建议为 "no_penalty"
    而且适用条目为 "cn-tax-2021-6/03"
    而且应采取措施包含 "教育"
    而且法律依据包含 "第三十三条第三款"
    而且不需要补充事实

  @t
  场景: 改正不明时尚不能确定并询问
    假如适用条目 "cn-tax-2021-6/03"
    而且当事人首次违法
    而且危害后果轻微
    当执法人员提交案情
    那么处理建议为 "尚不能确定"
    而且需要补充的事实包含 "corrected"
    而且应询问 "当事人是否已改正违法行为"
    而且可能的处理结果包含 "不予处罚"

  @t
  场景大纲: 法定规则
    假如违法所得 <所得> 元
    而且当事人为 "企业"
    而且违法行为发生于 2025-10-01
    而且当事人首次违法
    而且及时改正
    而且危害后果轻微
    而且违法行为不属轻微
    而且当事人没有从轻减轻情节
    当执法人员提交案情
    那么处理建议为 "<结果>"
    而且适用规则为 "law-33-1b"

    例子:
      | 所得 | 结果 |
      | 0 | 可以不予处罚 |
      | 25.76 | discretionary_no_penalty |

  @t
  场景: 错误的期望必须失败
    假如适用条目 "cn-tax-2021-6/03"
    而且当事人首次违法
    而且在责令期限内改正
    而且危害后果轻微
    当执法人员提交案情
    那么处理建议为 "依法处罚"

  @t
  场景: 错误的依据必须失败
    假如适用条目 "cn-tax-2021-6/03"
    而且当事人首次违法
    而且在责令期限内改正
    而且危害后果轻微
    当执法人员提交案情
    那么法律依据包含 "第九十九条"

  @t
  场景: 不合法的区划被拒绝
    假如办案机关所在行政区划为 "410522"
    当执法人员提交案情
    那么系统拒绝受理并提示 "不支持的行政区划代码"

  @t @engine_bug
  场景: engine_bug 标签为严格的预期失败
    假如适用条目 "cn-tax-2021-6/03"
    而且当事人首次违法
    而且在责令期限内改正
    而且危害后果轻微
    当执法人员提交案情
    那么处理建议为 "减轻处罚"
"""


@pytest.fixture
def run_feature(pytester):
    def run(feature: str, *args):
        pytester.makefile(".feature", library=feature)
        pytester.makeconftest(CONFTEST)
        pytester.makepyfile(test_library=TEST_MODULE)
        pytester.makefile(".ini", pytest=INI)
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)

    return run


def test_step_library_counts(run_feature):
    result = run_feature(FEATURE)
    result.assert_outcomes(passed=5, failed=2, xfailed=1)
    out = result.stdout.str()
    assert "处理建议: 期望 依法处罚, 实际 不予处罚(no_penalty)" in out
    assert "法律依据: 期望 包含 第九十九条" in out


def test_unknown_outcome_label_fails(run_feature):
    feature = FEATURE.split("  @t\n  场景: 改正不明")[0].replace('那么处理建议为 "不予处罚"', '那么处理建议为 "免罚"')
    result = run_feature(feature)
    result.assert_outcomes(failed=1)
    assert "无法识别的处理结果" in result.stdout.str()


def test_engine_bug_that_passes_fails_strictly(run_feature):
    feature = FEATURE.split("  @t\n  场景: 改正不明")[0].replace("  @t\n  场景: 首违", "  @t @engine_bug\n  场景: 首违")
    result = run_feature(feature)
    result.assert_outcomes(failed=1)
    assert "XPASS(strict)" in result.stdout.str()


def test_missing_submit_step_fails(run_feature):
    feature = FEATURE.split("  @t\n  场景: 改正不明")[0].replace("    当执法人员提交案情\n", "")
    result = run_feature(feature)
    result.assert_outcomes(failed=1)
    assert "尚未提交案情" in result.stdout.str()


# Steps for the facts the agency must establish (party, birth date, continuing acts, violated law),
# the circumstances of the 2017 text (胁迫 / 诱骗 apart) and the wording of the answer.
AGENCY_FACTS = """# language: zh-CN
功能: 办案机关应当查明的事实

  背景:
    假如办案机关为聊城市
    而且决定日期为 2025-12-31
    而且违法行为不属轻微
    而且造成严重危害后果
    而且未改正
    而且当事人不是首次违法

  @t
  场景大纲: 出生日期按违法行为日计算周岁
    假如当事人为 "自然人"
    而且当事人出生于 2011-10-01
    而且违法行为发生于 <发生>
    而且违法行为没有连续或者继续状态
    而且当事人没有从轻减轻情节
    当执法人员提交案情
    那么处理建议为 "<结果>"
    而且处理建议的表述为 "<表述>"
    而且适用规则为 "<规则>"

    例子:
      | 发生 | 结果 | 表述 | 规则 |
      | 2025-10-01 | 不予处罚 | 不予处罚 | law-30-a |
      | 2025-10-02 | 从轻处罚 | 从轻或者减轻处罚 | law-30-b |

  @t
  场景大纲: 连续或者继续状态与违反的法律
    假如当事人为 "企业"
    而且违法行为发生于 2022-03-01
    而且违法行为于 2024-06-01 被发现
    而且不涉及公民生命健康安全、金融安全
    而且当事人没有从轻减轻情节
    而且<状态>
    而且本案违反的法律为 "<法律>"
    当执法人员提交案情
    那么处理建议为 "<结果>"

    例子:
      | 状态 | 法律 | 结果 |
      | 违法行为没有连续或者继续状态 | 中华人民共和国大气污染防治法 | 不予处罚 |
      | 违法行为没有连续或者继续状态 | 中华人民共和国税收征收管理法 | 依法处罚 |
      | 违法行为有连续或者继续状态, 于 2023-01-01 终了 | 中华人民共和国大气污染防治法 | 依法处罚 |
      | 违法行为有连续或者继续状态 | 中华人民共和国大气污染防治法 | 尚不能确定 |

  @t
  场景: 继续状态的终了日期未查明时应询问
    假如当事人为 "企业"
    而且违法行为发生于 2022-03-01
    而且违法行为有连续或者继续状态
    而且违法行为于 2024-06-01 被发现
    而且不涉及公民生命健康安全、金融安全
    而且本案违反的法律为 "中华人民共和国大气污染防治法"
    而且当事人没有从轻减轻情节
    当执法人员提交案情
    那么需要补充的事实包含 "act_end_date"
    而且需要补充的事实不包含 "continuing"

  @t
  场景大纲: 修订前文本的胁迫与诱骗
    假如当事人为 "企业"
    而且违法行为发生于 2021-06-01
    而且违法行为没有连续或者继续状态
    而且决定日期为 2021-07-01
    而且当事人有情节 "<情节>"
    当执法人员提交案情
    那么处理建议为 "<结果>"
    而且适用规则为 "<规则>"

    例子:
      | 情节 | 结果 | 规则 |
      | 受他人胁迫 | 从轻处罚 | law2017-27-1 |
      | 受他人诱骗 | 依法处罚 | 无 |

  @t
  场景: 错误的表述必须失败
    假如当事人为 "自然人"
    而且当事人年龄 15 周岁
    而且违法行为发生于 2025-10-01
    而且当事人没有从轻减轻情节
    当执法人员提交案情
    那么处理建议为 "从轻处罚"
    而且处理建议的表述为 "从轻处罚"
"""


def test_agency_fact_steps(run_feature):
    result = run_feature(AGENCY_FACTS)
    result.assert_outcomes(passed=9, failed=1)
    assert "处理建议的表述: 期望 从轻处罚, 实际 从轻或者减轻处罚" in result.stdout.str()


def test_birth_date_after_act_is_rejected(run_feature):
    feature = """# language: zh-CN
功能: 出生日期晚于违法行为日

  @t
  场景: 出生日期晚于违法行为日被拒绝
    假如当事人为 "自然人"
    而且当事人出生于 2025-10-02
    而且违法行为发生于 2025-10-01
    当执法人员提交案情
    那么系统拒绝受理并提示 "birth_date"
"""
    result = run_feature(feature)
    result.assert_outcomes(passed=1)


def test_not_continuing_clears_end_date(run_feature):
    feature = """# language: zh-CN
功能: 后一步覆盖前一步

  @t
  场景: 没有连续或者继续状态时不保留终了日期
    假如当事人为 "企业"
    而且违法行为发生于 2022-03-01
    而且违法行为有连续或者继续状态, 于 2023-01-01 终了
    而且违法行为没有连续或者继续状态
    而且违法行为于 2024-06-01 被发现
    而且不涉及公民生命健康安全、金融安全
    而且本案违反的法律为 "中华人民共和国大气污染防治法"
    而且当事人没有从轻减轻情节
    当执法人员提交案情
    那么处理建议为 "不予处罚"
    而且适用规则为 "law-36"
"""
    result = run_feature(feature)
    result.assert_outcomes(passed=1)


# Conditions the officer establishes (vocabulary kind: attested): stated by their Chinese label or tag,
# on a lists folder whose copies of cn-tax-2021-6/03 carry attested tags (tests.lists_fixtures)
ATTESTED_FEATURE = """# language: zh-CN
功能: 执法人员认定的清单条件

  背景:
    假如办案机关为聊城市
    而且违法行为发生于 2024-03-01
    而且当事人首次违法
    而且在责令期限内改正
    而且危害后果轻微

  @t
  场景: 未认定时尚不能确定并询问
    假如适用条目 "test-attested/01"
    当执法人员提交案情
    那么处理建议为 "尚不能确定"
    而且需要补充的事实包含 "attested.prior_violations_handled"
    而且应询问 "当事人以往的违法行为是否均已处理"

  @t
  场景: 按中文名称认定
    假如适用条目 "test-attested/01"
    而且执法人员认定 "以往违法均已处理"
    当执法人员提交案情
    那么处理建议为 "不予处罚"

  @t
  场景: 按标签认定, 认定不符合的也不再询问
    假如适用条目 "test-attested/02"
    而且执法人员认定 "prior_violations_handled"
    而且执法人员认定不符合 "罚款已缴纳"
    当执法人员提交案情
    那么需要补充的事实不包含 "attested.prior_violations_handled"
    而且需要补充的事实不包含 "attested.fines_paid"

  @t
  场景: 未知的认定事项报错
    假如适用条目 "test-attested/01"
    而且执法人员认定 "以往违法已全部处理"
    当执法人员提交案情
    那么处理建议为 "不予处罚"

  @t
  场景: 清单条件写成认定事项的名称报错
    假如适用条目 "test-attested/01"
    而且符合清单条件 "以往违法均已处理"
    当执法人员提交案情
    那么处理建议为 "不予处罚"
"""


def test_attested_steps(run_feature, tmp_path, monkeypatch):
    from tests.lists_fixtures import attested_lists

    monkeypatch.setenv("PENALTY_RULES_LISTS", str(attested_lists(tmp_path / "lists")))
    result = run_feature(ATTESTED_FEATURE)
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    assert "无法识别的认定事项 '以往违法已全部处理'; 可用: 以往违法均已处理(prior_violations_handled)" in out
    assert "条目 test-attested/01 没有清单条件 “以往违法均已处理”" in out and '执法人员认定 "以往违法均已处理"' in out


def test_custom_wording_no_condition_uses_is_an_error(run_feature):
    feature = FEATURE.split("  @t\n  场景: 改正不明")[0].replace(
        "    而且危害后果轻微\n", "    而且危害后果轻微\n    而且符合清单条件 \"能如实说明进货来源\"\n", 1)
    result = run_feature(feature)
    result.assert_outcomes(failed=1)
    assert "条目 cn-tax-2021-6/03 没有清单条件 “能如实说明进货来源”" in result.stdout.str()
