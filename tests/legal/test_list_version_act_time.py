"""Two versions of one list give the same answer: the version in force at the act decides.

行政处罚法(2021-01-22) 第三十七条: "实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定时，
法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定。" The product applies this to list
versions by analogy (README): the later version applies only where it is lighter. Item 3 (纳税人未按规定期限办理纳税申报和
报送纳税资料) is in 国家税务总局公告2021年第6号 (lists/national/cn-tax-first-offense/2021-6.yaml, in force 2021-04-01)
and, with the same outcome (no_penalty) and conditions (first_offense, minor_harm, corrected before discovery or within
the deadline), in its successor 公告2021年第33号 (2021-33.yaml, in force 2022-01-01, supersedes 2021-6). An act of
2021-06-01 decided on 2022-03-01 meets both: the new version is not lighter, so the act-time version (第6号) decides,
is cited, and nothing says the new one was applied as lighter."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

CASE = dict(jurisdiction="371500", item_id="cn-tax-2021-6/03", act_date=date(2021, 6, 1), decision_date=date(2022, 3, 1),
            discovered_date=date(2021, 7, 1), continuing=False, party_type="enterprise", corrected="within_deadline",
            harm="minor", first_offense=True, minor_violation=False, circumstances=[], safety_related=False)
OLD, NEW = "国家税务总局公告2021年第6号", "国家税务总局公告2021年第33号"


def test_equal_versions_the_act_time_list_decides(engine):
    d = engine.evaluate(CaseFacts(**CASE))
    assert d.outcome == "no_penalty" and d.chosen_item == "cn-tax-2021-6/03"
    assert d.decided_by == "cn-tax-first-offense@2021-6"
    labels = [b.label for b in d.basis]
    assert any(OLD in lb for lb in labels) and not any(NEW in lb for lb in labels), labels
    assert not any("较轻而适用" in t for t in d.trace.temporal), d.trace.temporal
    assert not any("尚未施行" in w for w in d.warnings), d.warnings



def test_an_open_act_end_still_puts_the_act_date_version_first(engine):
    """A re-reader: with `continuing` not given (the default) or a continuing act with no end date, the later version
    (第33号) was named as deciding and as applied for being lighter, though it is not lighter."""
    for changes in ({"continuing": None}, {"continuing": True}):
        d = engine.evaluate(CaseFacts(**{**CASE, **changes}))
        # the act may have lasted into 第33号's era (then it is the act-time version): either version may decide
        assert d.outcome == "no_penalty"
        assert not any("较轻而适用" in t for t in d.trace.temporal), (changes, d.trace.temporal)
        assert not any("尚未施行" in w for w in d.warnings), (changes, d.warnings)
