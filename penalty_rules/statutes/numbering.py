"""Article numbers: 第三十三条 → "33", 第三十三条之一 → "33-1"."""

import re

from penalty_rules.model.numerals import parse_zh_number, zh_number

_NUMERAL = "零〇一二两三四五六七八九十百千"
ARTICLE_HEADING = re.compile(
    rf"^[第笫](?P<number>[{_NUMERAL}]+)条(?:之(?P<suffix>[{_NUMERAL}]+))?(?=[\s\u3000]|$)"
)


def article_key(number: int, suffix: int | None = None) -> str:
    return f"{number}-{suffix}" if suffix else str(number)


def parse_article_heading(line: str) -> tuple[str, str] | None:
    """'第三十三条之一 内容' → ("33-1", "内容"); None if the line does not open an article."""
    m = ARTICLE_HEADING.match(line)
    if not m:
        return None
    number = parse_zh_number(m.group("number"))
    suffix = parse_zh_number(m.group("suffix")) if m.group("suffix") else None
    if number < 1:
        return None
    return article_key(number, suffix), line[m.end():].strip()


def article_label(key: str) -> str:
    """"33-1" → 第三十三条之一."""
    number, _, suffix = key.partition("-")
    label = f"第{zh_number(int(number))}条"
    return label + (f"之{zh_number(int(suffix))}" if suffix else "")


def parse_article_key(text: str) -> str:
    """Accepts "33", "33-1", "第三十三条", "第三十三条之一", "三十三条之一" → canonical key."""
    text = text.strip()
    if re.fullmatch(r"\d+(-\d+)?", text):
        number, _, suffix = text.partition("-")
        return article_key(int(number), int(suffix) if suffix else None)
    if not text.startswith("第"):
        text = "第" + text
    parsed = parse_article_heading(text)
    if parsed is None or parsed[1]:
        raise ValueError(f"不是条文编号: {text!r}")
    return parsed[0]
