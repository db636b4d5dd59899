"""Readers of the statute files that the document tests derive their expectations from
(independently of the code under test)."""

import re
from datetime import date
from pathlib import Path

ARTICLE_LINE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条(?:之[一二三四五六七八九十]+)?[\s\u3000]")


def statute_file(root: Path, name: str) -> Path:
    found = sorted(root.rglob(name))
    assert found, f"statute file {name} not in {root}"
    return found[0]


def lines_of(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def article_of_line(path: Path, needle: str) -> tuple[str, str, int]:
    """(article heading 第X条, the first line matching the regex `needle`, with the heading removed,
    paragraph number)."""
    heading, paragraph = None, 0
    for line in lines_of(path):
        if not line:
            continue
        m = ARTICLE_LINE.match(line)
        if m:
            heading, paragraph = line[: m.end()].strip(), 0
            line = line[m.end():].strip()
        if line.startswith("#"):
            heading = None
            continue
        if heading and not re.match(r"^[（(][一二三四五六七八九十]+[）)]", line):
            paragraph += 1
        if re.search(needle, line):
            return heading, line, paragraph
    raise AssertionError(f"{needle!r} not in {path}")


def paragraph_text(path: Path, heading: str, number: int) -> str:
    """Paragraph `number` (1-based) of the article opening with `heading` (e.g. 第三十三条)."""
    inside, paragraphs = False, []
    for line in lines_of(path):
        if not line:
            continue
        m = ARTICLE_LINE.match(line)
        if m:
            if inside:
                break
            inside = line[: m.end()].strip() == heading
            line = line[m.end():].strip()
            if not inside:
                continue
        if inside and line.startswith("#"):
            break
        if inside and line:
            paragraphs.append(line)
    assert len(paragraphs) >= number, f"{heading} of {path} has {len(paragraphs)} paragraphs"
    return paragraphs[number - 1]


def in_force_from(path: Path) -> date:
    for line in lines_of(path):
        m = re.search(r"本法自(\d{4})年(\d{1,2})月(\d{1,2})日起施行", line)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise AssertionError(f"no 施行 date in {path}")
