"""Age in 周岁 (full years), counted as the legal review (issue 8) requires.

A person 已满 N 周岁 from the day after the N-th birthday: an act on the 14th birthday is still an
act of a person 不满十四周岁. Someone born on 29 February has the birthday on 28 February in common
years, so is 已满 from 1 March.
"""

from datetime import date


def anniversary(birth: date, years: int) -> date:
    """The `years`-th birthday."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return birth.replace(year=birth.year + years, day=28)


def full_years(birth: date, on: date) -> int:
    """周岁 on `on`: the birthdays strictly before `on`."""
    years = on.year - birth.year
    if years <= 0:
        return 0
    return years if on > anniversary(birth, years) else years - 1
