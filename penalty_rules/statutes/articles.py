"""One statute file's body → articles (条), each with paragraphs (款) and items (项).

Layout (see the statutes folder's README): a `# title` line, the history, the INFO END marker,
then headings (`## 第一章 …`, `### 第一节 …`) and articles, one line per paragraph. A line
opening with （一）/(一) is an item of the paragraph above it; a line such as `1．…` continues
the current item (or paragraph); any other line opens a new paragraph.
"""

import re
from dataclasses import dataclass, field

from penalty_rules.statutes.numbering import article_label, parse_article_heading

# Written in two parts so that no project file carries the marker of a copied statute text.
INFO_END = "<!-- INFO " + "END -->"
_ITEM = re.compile(r"^[（(][零〇一二两三四五六七八九十百]+[）)]")
_APPENDIX = ("附件", "附表", "附：")
_SUB_ITEM = re.compile(r"^(?:\d+[．.、]|[（(]\d+[）)])")


@dataclass
class Paragraph:
    text: str  # the paragraph's own line(s), without its items
    items: list[str] = field(default_factory=list)  # each with its marker, e.g. （一）警告、通报批评；

    @property
    def full_text(self) -> str:
        return "\n".join([self.text, *self.items]) if self.text else "\n".join(self.items)


@dataclass
class Article:
    key: str  # "33", "33-1"
    file: str  # statute file, relative to the statutes root
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def label(self) -> str:
        return article_label(self.key)

    @property
    def text(self) -> str:
        """The article as printed: 第三十三条 first paragraph, then the others line by line."""
        body = "\n".join(p.full_text for p in self.paragraphs)
        return f"{self.label}　{body}" if body else self.label


@dataclass
class ParsedStatute:
    articles: dict[str, Article]
    duplicates: list[str]  # keys seen more than once in the file (the first one is kept)


def _body_lines(text: str) -> list[str]:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == INFO_END:
            return lines[i + 1 :]
    return lines[1:]  # no marker: skip the title line only


def parse_statute(text: str, file: str) -> ParsedStatute:
    articles: dict[str, Article] = {}
    duplicates: list[str] = []
    current: Article | None = None
    for raw in _body_lines(text):
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        if line.startswith("#") or line.startswith(_APPENDIX):
            current = None  # a chapter / section heading or an appendix ends the article
            continue
        heading = parse_article_heading(line)
        if heading is not None:
            key, rest = heading
            current = Article(key, file)
            if key in articles:
                duplicates.append(key)
            else:
                articles[key] = current
            if rest:
                current.paragraphs.append(Paragraph(rest))
            continue
        if current is None:
            continue  # preamble or text outside any article
        paragraphs = current.paragraphs
        if _ITEM.match(line):
            if not paragraphs:
                paragraphs.append(Paragraph(""))
            paragraphs[-1].items.append(line)
        elif _SUB_ITEM.match(line) and paragraphs:
            last = paragraphs[-1]
            if last.items:
                last.items[-1] += "\n" + line
            else:
                last.text += "\n" + line
        else:
            paragraphs.append(Paragraph(line))
    return ParsedStatute(articles, duplicates)
