"""DraftDocument → DOCX bytes (python-docx). Layout: agency and title centred, 文号 and 办案编号
right-aligned, body paragraphs with a two-character first-line indent, seal and date right-aligned,
then the appendix of cited article texts (with the text version read) and the list of items the
officer must complete. Fonts: 仿宋 body, 宋体 bold title (East Asian font set on every run)."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from penalty_rules.documents.model import DraftDocument

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, size=16.0, font=BODY_FONT, bold=False, align=None, indent=True, style=None):
    p = doc.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.space_after = Pt(4)
    _font(p.add_run(text), font, size, bold)
    return p


def render_docx(draft: DraftDocument) -> bytes:
    doc = Document()
    doc.core_properties.title = draft.title
    doc.core_properties.subject = draft.case_ref or ""
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    if draft.agency_name:
        _para(doc, draft.agency_name, size=18, font=TITLE_FONT, bold=True, align=centre)
    doc.add_heading(level=0)  # Title style, so the title is a heading a reader (and a test) can find
    title = doc.paragraphs[-1]
    title.alignment = centre
    _font(title.add_run(draft.title), TITLE_FONT, 22, True)
    for s in draft.sections:
        if s.key == "header":
            for line in s.paragraphs:
                _para(doc, line, size=14, align=right)
            continue
        if s.heading:
            h = doc.add_heading(level=1)
            _font(h.add_run(s.heading), TITLE_FONT, 16, True)
        for line in s.paragraphs:
            if s.key == "closing":
                _para(doc, line, align=right)
            elif s.key == "party":
                _para(doc, line, indent=False)
            else:
                _para(doc, line)
    if draft.citations:
        doc.add_page_break()
        h = doc.add_heading(level=1)
        _font(h.add_run("附：所引法律条文"), TITLE_FONT, 16, True)
        for c in draft.citations:
            version = f"(文本版本 {c.version})" if c.version else ""
            _para(doc, f"{c.label}{version}", size=12, bold=True, indent=False)
            _para(doc, c.text or "(法规文本库中未读到原文)", size=12)
    if draft.flags:
        h = doc.add_heading(level=1)
        _font(h.add_run("起草提示(待执法人员补充或核对, 定稿前删除本节)"), TITLE_FONT, 14, True)
        for f in draft.flags:
            _para(doc, f"[{f.code}] {f.message_zh}", size=11, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
