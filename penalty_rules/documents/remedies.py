"""The remedies a decision must state, read from the statute texts folder (never copied here).

行政处罚法 (the version in force on the decision date) lists what a decision states, among it
申请行政复议、提起行政诉讼的途径和期限 (2021 text: art. 59(五)); the time limits themselves are
in 行政复议法 (2023 revision: art. 20; 2017 text: art. 9) and 行政诉讼法 (art. 46). The articles are
found by their wording, not by number, in the version in force on the decision date, and the
time limit is read from that wording. A version's date in the folder is its adoption date; when its
text says 本法自…起施行 later than that, the later date is when it applies (the 2023 revision of
行政复议法, adopted 2023-09-01, applies from 2024-01-01). Nothing found → None, and the document
states the remedy without a time limit and flags it."""

import re
from dataclasses import dataclass
from datetime import date

from penalty_rules.model.numerals import zh_number
from penalty_rules.statutes.numbering import article_label

_NUM = "零〇一二两三四五六七八九十百"
_IN_FORCE = re.compile(r"本法自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")
REVIEW_LAW = "行政复议法"
LITIGATION_LAW = "行政诉讼法"
PENALTY_LAW = "行政处罚法"
_REVIEW = re.compile(rf"之日起([{_NUM}]+日)内提出行政复议申请")
_LITIGATION = re.compile(rf"直接向人民法院提起诉讼的[^。]*?之日起([{_NUM}]+个月)内")
_CONTENTS = re.compile(r"申请行政复议(?:、|或者)提起行政诉讼的途径和期限")  # 2021: 59(五); 2017: 39(五)


@dataclass
class Found:
    law_title: str
    version: str | None  # version date of the text read (ISO)
    in_force_from: str | None  # ISO date the text says it applies from, when later than its version date
    article: str  # 第二十条第一款 …
    text: str  # the paragraph (or item) read
    limit: str | None = None  # 六十日, 六个月
    note: str | None = None


def _in_force(version) -> date | None:
    """The date the version applies from: its date, or the 本法自…起施行 date of its text if later."""
    start = version.version_date
    for art in version.articles().values():
        for p in art.paragraphs:
            m = _IN_FORCE.search(p.full_text)
            if m:
                try:
                    said = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    continue
                if start is None or said > start:
                    start = said
    return start


def version_in_force(lib, law_name: str, on: date):
    """(law, version, applies_from) of the latest version applying on `on`; (law, None, None) when
    no version in the folder applies then; (None, None, None) when the law is missing."""
    law = lib.find_law(law_name)
    if law is None:
        return None, None, None
    best = None
    for v in law.dated:  # ascending
        start = _in_force(v)
        if start is not None and start <= on:
            best = (v, start)
    if best is None and law.undated is not None:
        return law, law.undated, None
    return (law, *best) if best else (law, None, None)


def _paragraph_label(key: str, index: int, count: int) -> str:
    label = article_label(key)
    return label + (f"第{zh_number(index)}款" if count > 1 else "")


def _search(lib, law_name: str, on: date, pattern: re.Pattern) -> Found | None:
    law, version, start = version_in_force(lib, law_name, on)
    if version is None:
        return None
    for key, art in version.articles().items():
        for i, p in enumerate(art.paragraphs, 1):
            m = pattern.search(p.text)
            if m:
                vdate = version.version_date.isoformat() if version.version_date else None
                later = start is not None and version.version_date is not None and start > version.version_date
                return Found(
                    law_title=law.title, version=vdate, in_force_from=start.isoformat() if later else None,
                    article=_paragraph_label(key, i, len(art.paragraphs)), text=p.text,
                    limit=m.group(1) if m.groups() else None,
                )
    return None


def review_limit(lib, on: date) -> Found | None:
    """行政复议法: the article giving the time to apply for review (六十日), in the version applying on `on`."""
    return _search(lib, REVIEW_LAW, on, _REVIEW)


def vertical_review_body(lib, on: date) -> Found | None:
    """行政复议法: the rule sending review of 税务 (and other vertically led) agencies' acts to the
    next higher department (2023 text: art. 27; 2017 text: art. 12(2), which names 国税 only)."""
    return _search(lib, REVIEW_LAW, on, re.compile(r"税[^。]*?向上一级主管部门申请行政复议"))


def litigation_limit(lib, on: date) -> Found | None:
    """行政诉讼法: the time to sue directly (六个月), in the version applying on `on`."""
    return _search(lib, LITIGATION_LAW, on, _LITIGATION)


def decision_contents(lib, on: date) -> Found | None:
    """行政处罚法: the item requiring a decision to state 申请行政复议、提起行政诉讼的途径和期限."""
    law, version, start = version_in_force(lib, PENALTY_LAW, on)
    if version is None:
        return None
    for key, art in version.articles().items():
        for i, p in enumerate(art.paragraphs, 1):
            for j, item in enumerate(p.items, 1):
                if _CONTENTS.search(item):
                    label = _paragraph_label(key, i, len(art.paragraphs)) + f"第（{zh_number(j)}）项"
                    vdate = version.version_date.isoformat() if version.version_date else None
                    later = start is not None and version.version_date is not None and start > version.version_date
                    lead = p.text
                    return Found(law_title=law.title, version=vdate,
                                 in_force_from=start.isoformat() if later else None,
                                 article=label, text=f"{lead}……{item}" if lead else item)
    return None


def find_paragraph(lib, law_name: str, on: date, pattern: str) -> Found | None:
    """The first paragraph of `law_name` (version applying on `on`) whose text matches `pattern`."""
    return _search(lib, law_name, on, re.compile(pattern))


def find_item(lib, law_name: str, on: date, pattern: str) -> Found | None:
    """The first numbered item (（一）…) of `law_name` (version applying on `on`) matching `pattern`;
    its text is the paragraph's lead, ……, and the item."""
    law, version, start = version_in_force(lib, law_name, on)
    if version is None:
        return None
    rx = re.compile(pattern)
    for key, art in version.articles().items():
        for i, p in enumerate(art.paragraphs, 1):
            for j, item in enumerate(p.items, 1):
                if rx.search(item):
                    vdate = version.version_date.isoformat() if version.version_date else None
                    later = start is not None and version.version_date is not None and start > version.version_date
                    return Found(law_title=law.title, version=vdate, in_force_from=start.isoformat() if later else None,
                                 article=_paragraph_label(key, i, len(art.paragraphs)) + f"第（{zh_number(j)}）项",
                                 text=f"{p.text}……{item}" if p.text else item)
    return None


def on_the_spot_review_first(lib, on: date) -> tuple[Found, Found] | None:
    """行政复议法 (version applying on `on`): the item making review compulsory before suing for a
    penalty decided on the spot (2023 text: art. 23(1)(一)) and the paragraph obliging the agency to
    say so (art. 23(2)); None when the text in force has no such rule (the 2017 text)."""
    item = find_item(lib, REVIEW_LAW, on, r"当场作出的行政处罚决定不服")
    tell = find_paragraph(lib, REVIEW_LAW, on, r"应当告知[^。]*先向行政复议机关申请行政复议")
    return (item, tell) if item and tell else None
