"""Lint for zh-CN feature files: the traps of Chinese Gherkin under pytest-bdd.

Rules (code: what):
  language        the first line is `# language: zh-CN`
  colon           ASCII colon after 功能/背景/场景/场景大纲/例子/规则 (a full-width colon is a parse error)
  keyword         inside 背景/场景 every line is a step that starts with a keyword, a table row, a tag
                  or a comment
  dangshiren      no line starts with 当事人 (it parses as 当 + 事人…)
  quotes          one quote style: ASCII ", no “” 「」 ‘’ in steps and tables
  punctuation     no step ends with 。 or a full-width space (step text must match exactly)
  first_step      the first step of a 背景/场景 is not a conjunction (而且/并且/同时/但是)
  untagged        every 场景/场景大纲 carries at least one tag
  duplicate       scenario names are unique within a feature (pytest-bdd keeps only one)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LANGUAGE_LINE = "# language: zh-CN"
HEADERS = ("场景大纲", "剧本大纲", "场景", "剧本", "背景", "例子", "功能", "规则")
SCENARIO_HEADERS = ("场景大纲", "剧本大纲", "场景", "剧本")
STEP_KEYWORDS = ("假如", "假设", "假定", "当", "那么", "而且", "并且", "同时", "但是", "* ")
BAD_QUOTES = "“”「」‘’『』"
_ASCII_QUOTED = re.compile(r'"[^"]*"')


def _unquoted(line: str) -> str:
    """The line without its "…" parts: full-width quotes inside a quoted list wording are its text."""
    return _ASCII_QUOTED.sub('""', line)
HEADER_RE = re.compile(r"^(" + "|".join(HEADERS) + r")\s*([:：])")


@dataclass(frozen=True)
class LintError:
    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.code}: {self.message}"


def feature_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.feature"))


def lint_text(text: str, filename: str = "<feature>") -> list[LintError]:
    errors: list[LintError] = []

    def err(line: int, code: str, message: str) -> None:
        errors.append(LintError(filename, line, code, message))

    lines = text.splitlines()
    if not lines or lines[0].strip() != LANGUAGE_LINE:
        err(1, "language", f"第一行须为 `{LANGUAGE_LINE}`")

    first_step = False
    section = None  # None (feature description) | "steps" | "examples"
    pending_tags = False
    names: dict[str, int] = {}
    in_docstring = False
    for no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith('"""') or line.startswith("```"):
            in_docstring = not in_docstring
            continue
        if in_docstring or not line:
            continue
        if line.startswith("#"):
            continue
        if line.startswith("当事人"):
            err(no, "dangshiren", "行首为“当事人”: 会被解析为关键字“当”+“事人…”; 请在前面写关键字, 如“而且当事人…”")
        if line.startswith("@"):
            pending_tags = True
            continue
        header = HEADER_RE.match(line)
        if header:
            keyword, colon = header.group(1), header.group(2)
            if colon != ":":
                err(no, "colon", f"“{keyword}”后须为半角冒号 ':'(全角 '：' 会导致解析错误)")
            if keyword in SCENARIO_HEADERS:
                if not pending_tags:
                    err(no, "untagged", f"{keyword}没有标签(如 @hc-010 @market)")
                name = line[header.end():].strip()
                if name in names:
                    err(no, "duplicate", f"场景名称与第 {names[name]} 行重复: {name}")
                names.setdefault(name, no)
                section, first_step = "steps", True
            elif keyword == "背景":
                section, first_step = "steps", True
            elif keyword == "例子":
                section = "examples"
            else:
                section = None
            pending_tags = False
            continue
        pending_tags = False
        if line.startswith("|"):
            if any(q in _unquoted(line) for q in BAD_QUOTES):
                err(no, "quotes", "表格中使用了全角引号; 统一使用半角双引号 \"")
            continue
        if section == "steps":
            if not line.startswith(STEP_KEYWORDS):
                err(no, "keyword", "步骤行须以关键字开头(假如/而且/当/那么/但是)")
                continue
            if first_step and line.startswith(("而且", "并且", "同时", "但是")):
                err(no, "first_step", "背景或场景的第一步不能以“而且/并且/同时/但是”开头, 请用“假如”")
            first_step = False
            if any(q in _unquoted(line) for q in BAD_QUOTES):
                err(no, "quotes", "步骤中使用了全角引号; 统一使用半角双引号 \"")
            if line.count('"') % 2:
                err(no, "quotes", "步骤中的半角双引号未成对")
            if raw.rstrip(" \t").endswith(("。", "\u3000")):
                err(no, "punctuation", "步骤末尾有“。”或全角空格, 步骤文字将无法匹配")
        elif section == "examples":
            err(no, "keyword", "例子下只能是表格行")
    return errors


def lint_paths(path: Path) -> list[LintError]:
    errors: list[LintError] = []
    files = feature_files(Path(path))
    for file in files:
        errors += lint_text(file.read_text(encoding="utf-8"), str(file))
    return errors


def collect_tags(path: Path) -> set[str]:
    """Every tag used in the feature files under `path` (without '@')."""
    tags: set[str] = set()
    for file in feature_files(Path(path)) if Path(path).exists() else []:
        for raw in file.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line.startswith("@"):
                tags.update(t.lstrip("@") for t in line.split() if t.startswith("@"))
    return tags
