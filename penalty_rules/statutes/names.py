"""Law names and statute file names: normalisation and parsing."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_STATE_PREFIX = "中华人民共和国"
_DROP = str.maketrans("", "", "《》〈〉<>\"'“”‘’")
_FILE_NAME = re.compile(r"^(?P<short>.+?)(?:\((?P<date>\d{4}-\d{2}-\d{2})\))?\.md$")


@lru_cache(maxsize=4096)  # a pure function of the text; law names repeat (statute data, list items)
def normalise_law_name(name: str) -> str:
    """《中华人民共和国行政处罚法》 → 行政处罚法.

    NFKC folds full-width brackets and spaces to half-width; then whitespace, book-title
    marks and quotes are dropped, and 中华人民共和国 is removed wherever it occurs (so
    山东省实施《中华人民共和国渔业法》办法 matches the file name 山东省实施《渔业法》办法).
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(text.split()).translate(_DROP)
    return text.replace(_STATE_PREFIX, "")


@dataclass(frozen=True)
class StatuteFileName:
    short_name: str
    version_date: date | None  # None: the file name gives no date


def parse_file_name(file_name: str) -> StatuteFileName | None:
    """行政处罚法(2021-01-22).md → (行政处罚法, 2021-01-22); 刑法.md → (刑法, None)."""
    m = _FILE_NAME.match(file_name)
    if not m:
        return None
    raw = m.group("date")
    try:
        when = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return StatuteFileName(m.group("short"), when)
