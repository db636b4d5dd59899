"""A list condition “违法行为持续不足1个月” (市场监管总局 2025年第1号清单 x02, source wording in
lists/national/cn-samr-2025-1/2025.yaml: quantity violation_duration_months) is met by the officer's figure.
When the case also gives the act's own dates (act_date .. act_end_date of a continuing act), the figure must agree
with them: an act of 2025-03-01..2025-06-30 said to have lasted half a month would meet the item while the dates
show four months. Refused, naming the quantity; a figure within the months the dates span passes."""

from datetime import date

import pytest
from pydantic import ValidationError

from penalty_rules.model.facts import INCONSISTENT_FACTS, CaseFacts

BASE = dict(domain="market", party_type="enterprise", continuing=True, act_date=date(2025, 3, 1),
            decision_date=date(2025, 8, 1))


def _err(**kw):
    with pytest.raises(ValidationError) as e:
        CaseFacts(**BASE, **kw)
    return e.value.errors()[0]


def test_half_a_month_against_four_months_of_dates_is_refused():
    err = _err(act_end_date=date(2025, 6, 30), quantities={"violation_duration_months": 0.5})
    assert err["type"] == INCONSISTENT_FACTS
    assert err["ctx"]["field"] == "quantities.violation_duration_months"


def test_longer_than_the_dates_is_refused():
    assert _err(act_end_date=date(2025, 3, 20), quantities={"violation_duration_months": 3})["type"] == INCONSISTENT_FACTS


@pytest.mark.parametrize("start,end,months", [
    (date(2025, 3, 1), date(2025, 3, 20), 0.5), (date(2025, 3, 1), date(2025, 3, 31), 1),
    (date(2025, 3, 1), date(2025, 6, 30), 4), (date(2025, 3, 1), date(2025, 7, 1), 4.5),
    (date(2025, 1, 1), date(2025, 3, 31), 3.03),  # 90 days counted as months of 30 days
    (date(2025, 1, 1), date(2025, 12, 31), 12.17)])
def test_a_figure_the_dates_allow_passes(start, end, months):
    """Guard: figures within the calendar months the dates span (both ends counted), or the days counted as
    months of 28 to 31 days, are accepted."""
    CaseFacts(**{**BASE, "act_date": start}, act_end_date=end, quantities={"violation_duration_months": months})



@pytest.mark.parametrize("start,end,months", [
    (date(2025, 6, 1), date(2025, 6, 30), 0.97),  # the whole of June is no 不足1个月 (re-read: 0.0 and 0.97 passed)
    (date(2025, 6, 1), date(2025, 6, 30), 0.0),
    (date(2023, 1, 1), date(2023, 12, 31), 11.0),
    (date(2025, 3, 1), date(2025, 6, 30), 3.9)])
def test_fewer_months_than_the_calendar_span_is_refused(start, end, months):
    """A figure below the whole calendar months the dates span (both days counted) would meet a 不足N个月 item the
    dates do not: refused (the lenient direction)."""
    with pytest.raises(ValidationError) as e:
        CaseFacts(**{**BASE, "act_date": start}, act_end_date=end, quantities={"violation_duration_months": months})
    assert e.value.errors()[0]["type"] == INCONSISTENT_FACTS
