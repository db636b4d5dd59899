"""Citation cells → Citation objects, then resolved against the statute texts.

Grammar (tokens: LAW 《…》, ART 第N条(之N), PARA 第N款, ITEM 第(N)项, separators):

    cell     := ( law_ref | ref )*
    law_ref  := LAW ref_list?
    ref_list := ref ( (、|，|和|及|；) ref )*
    ref      := ART PARA? ITEM? | PARA ITEM? | ITEM      (a PARA or ITEM alone continues the last article)

A law named without 《》 (e.g. 食品安全法第三十四条) is read up to the 第 of its article when it ends
in 法 / 条例 / 规定 / 办法 / 细则 / 规则. Arabic and Chinese numerals are both read. An article
with 之N (第三十三条之一) cannot be stored as an integer article: it is kept law-only, flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from penalty_rules.model.citation import Citation
from penalty_rules.model.numerals import parse_zh_number

N = r"(?:\d+|[零〇一二两三四五六七八九十百千]+)"
TOKEN = re.compile(
    rf"(?P<law>《(?:[^《》]|《[^《》]{{1,40}}》){{2,80}}》)"  # one nested title: 《山东省实施《渔业法》办法》
    rf"|(?P<art>第(?P<an>{N})条(?:之(?P<suf>{N}))?)"
    rf"|(?P<para>第(?P<pn>{N})款)"
    rf"|(?P<item>第?[（(](?P<inum>{N})[）)]项|第(?P<inum2>{N})项)"
    rf"|(?P<bare>[\u4e00-\u9fff]{{2,40}}?(?:法|条例|规定|办法|细则|规则|决定))(?=第)"
    r"|(?P<sep>[、，,；;和及与\s/]+)"
)


CITING_WORDS = ("依据", "根据", "依照", "按照", "参照", "违反")


def _num(text: str) -> int:
    return int(text) if text.isdigit() else parse_zh_number(text)


@dataclass
class ParsedCitation:
    citation: Citation
    text: str  # the wording it was read from
    note: str | None = None  # e.g. 之一 not representable


@dataclass
class CitationParse:
    text: str
    citations: list[ParsedCitation] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # text the grammar could not read (never dropped)

    @property
    def ok(self) -> bool:
        return not self.unread


# Lists and ranges written once for several members (第（一）、（二）项 / 第（一）至（三）项 / 第一百二十二条至第一百二十六条 /
# 第三、四款): every member, written out before the grammar reads them (it reads one number per 第…项/款/条)
_BR = rf"[（(]({N})[）)]"
ITEM_LIST = re.compile(rf"第?((?:{_BR})(?:(?:、|，|,|和|及|或者|或)第?{_BR}(?:项)?)+)项")
ITEM_RANGE = re.compile(rf"第?{_BR}(?:项)?(?:至|到|—|－|-|～|~)第?{_BR}项")
UNIT_RANGE = re.compile(rf"第({N})(条|款)?(?:至|到|—|－|-|～|~)第?({N})(条|款)")
UNIT_LIST = re.compile(rf"第((?:{N})(?:(?:、|，|,|和|及)(?:第)?{N})+)(条|款)")
MAX_RANGE = 30  # a range wider than this is left as written (reported unread), not expanded


def _expand(text: str) -> str:
    def items(nums):
        return "、".join(f"第（{n}）项" for n in nums)

    def span(a, b):
        a, b = _num(a), _num(b)
        return list(range(a, b + 1)) if 0 < a < b and b - a < MAX_RANGE else None

    text = ITEM_RANGE.sub(lambda m: items(r) if (r := span(m.group(1), m.group(2))) else m.group(0), text)
    text = ITEM_LIST.sub(lambda m: items(re.findall(_BR, m.group(1))), text)

    def unit_range(m):
        if m.group(2) and m.group(2) != m.group(4):
            return m.group(0)
        r = span(m.group(1), m.group(3))
        return "、".join(f"第{n}{m.group(4)}" for n in r) if r else m.group(0)

    text = UNIT_RANGE.sub(unit_range, text)
    text = UNIT_LIST.sub(lambda m: "、".join(f"第{n}{m.group(2)}" for n in re.findall(N, m.group(1))), text)
    return text


def parse_citations(text: str | None) -> CitationParse:
    text = (text or "").strip()
    result = CitationParse(text)
    text = _expand(text)
    if not text:
        return result
    law: str | None = None
    art: int | None = None
    suffixed = False  # the last article was 第N条之M: its 款/项 belong to it (law-only, in its note)
    pending: dict | None = None  # the citation being built (law, article, paragraph, item)
    pos = 0

    def close():
        nonlocal pending
        if pending is not None:
            note = pending.pop("_note", None)
            raw = pending.pop("_text")
            result.citations.append(ParsedCitation(Citation(**pending), raw, note))
            pending = None

    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            # unreadable text up to the next token: kept, reported
            nxt = TOKEN.search(text, pos + 1)
            end = nxt.start() if nxt else len(text)
            chunk = text[pos:end].strip()
            if chunk and chunk not in ("等", "的规定", "规定", "相关规定", "的有关规定") + CITING_WORDS:
                result.unread.append(chunk)
            pos = end
            continue
        if m.group("law") or m.group("bare"):
            close()
            raw_law = m.group("law") or m.group("bare")
            law = raw_law[1:-1] if raw_law.startswith("《") else re.sub(rf"^(?:{'|'.join(CITING_WORDS)})", "", raw_law)
            art = None
            suffixed = False
            pending = {"law": law, "_text": m.group(0)}
        elif m.group("art"):
            if law is None:
                result.unread.append(m.group(0))
            else:
                if pending is not None and pending.get("article") is None and "paragraph" not in pending \
                        and "_note" not in pending:  # the law named just before: this article continues it
                    pending.pop("_text")
                    pending = None
                else:
                    close()
                art = _num(m.group("an"))
                pending = {"law": law, "article": art, "_text": f"《{law}》{m.group(0)}"}
                suffixed = bool(m.group("suf"))
                if suffixed:
                    pending.pop("article")
                    art = None
                    pending["_note"] = f"{m.group(0)}(条之N 无法记为整数条号, 按仅法名记录, 须人工核对)"
        elif (m.group("para") or m.group("item")) and suffixed and pending is not None and "_note" in pending:
            # 第三十三条之一第一款: the 款/项 of the 之N article, kept with it in the note (never on art. 33)
            pending["_text"] += m.group(0)
            pending["_note"] = pending["_note"].replace("(条之N", f"{m.group(0)}(条之N", 1)
        elif m.group("para"):
            if law is None or art is None:
                result.unread.append(m.group(0))
            else:
                if pending is None or pending.get("paragraph") is not None or pending.get("item") is not None:
                    close()
                    pending = {"law": law, "article": art, "_text": f"《{law}》第{art}条"}
                pending["paragraph"] = _num(m.group("pn"))
                pending["_text"] += m.group(0)
        elif m.group("item"):
            num = m.group("inum") or m.group("inum2")
            if law is None or art is None:
                result.unread.append(m.group(0))
            else:
                if pending is None or pending.get("item") is not None:
                    para = pending.get("paragraph") if pending else None
                    close()
                    pending = {"law": law, "article": art, "_text": f"《{law}》第{art}条"}
                    if para is not None:
                        pending["paragraph"] = para
                pending["item"] = _num(num)
                pending["_text"] += m.group(0)
        pos = m.end()
    close()
    return result
