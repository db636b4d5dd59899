"""DOCX (opened with python-docx) and PDF (headless Chromium; checked with poppler: pdftotext,
pdffonts, pdftoppm) of a real 不予处罚 decision."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from penalty_rules.documents import DecisionSource, DocumentRequest, build_document
from penalty_rules.documents.docx import render_docx

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "var" / "test-artifacts" / "decision-page1.png"
PARTY = "聊城市东昌府区某某便利店"
CASE_REF = "LC-DC-2025-0042"
REQUEST = dict(
    party={"kind": "entity", "name": PARTY, "address": "聊城市东昌府区某路8号"}, case_ref=CASE_REF,
    agency_name="聊城市东昌府区综合行政执法局", document_no="东综执不罚〔2025〕3号",
    evidence=["现场检查笔录", "整改后照片"], review_body="聊城市东昌府区人民政府", court="聊城市东昌府区人民法院",
)


@pytest.fixture(scope="module")
def draft(decide, statutes):
    decision, facts = decide("minor_33")
    assert decision.outcome == "no_penalty"
    return build_document(DecisionSource(decision, facts, "test"), DocumentRequest(**REQUEST), statutes)


def test_docx_has_title_party_case_ref_and_cited_texts(draft):
    doc = Document(io.BytesIO(render_docx(draft)))
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == ["不予行政处罚决定书"]
    texts = [p.text for p in doc.paragraphs]
    assert f"当事人：{PARTY}" in texts
    assert f"办案编号：{CASE_REF}" in texts and "东综执不罚〔2025〕3号" in texts
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "附：所引法律条文" in headings
    ruling = next(t for t in texts if t.startswith("鉴于当事人"))
    assert "第三十三条第一款" in ruling
    article = next(c for c in draft.citations if c.label.endswith("第三十三条第一款"))
    assert article.text in texts  # the article text read from the statute file, in the appendix
    assert draft.flags  # this case leaves the violated article and the education content to the officer
    assert texts[-1] == f"[{draft.flags[-1].code}] {draft.flags[-1].message_zh}"
    assert doc.core_properties.subject == CASE_REF


def _tools() -> dict:
    from penalty_rules.documents.pdf import chromium_path

    found = {"chromium": chromium_path(), **{t: shutil.which(t) for t in ("pdftoppm", "pdftotext", "pdffonts")}}
    missing = [k for k, v in found.items() if v is None]
    if missing:
        pytest.skip(f"!!! PDF 测试跳过: 未安装 {'、'.join(missing)} (make setup 安装 chromium、poppler-utils、fonts-noto-cjk) !!!")
    return found


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PGM (P5, maxval 255) → (width, height, pixels)."""
    m = re.match(rb"P5\s+(?:#.*\s+)*(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m and int(m.group(3)) == 255, data[:40]
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end(): m.end() + w * h]


def _bands(rows: list[int], threshold: int = 1) -> list[tuple[int, int]]:
    bands, start = [], None
    for y, n in enumerate(rows + [0]):
        if n >= threshold and start is None:
            start = y
        elif n < threshold and start is not None:
            bands.append((start, y))
            start = None
    return bands


def test_pdf_renders_chinese_text_with_an_embedded_cjk_font(draft, tmp_path):
    from penalty_rules.documents.pdf import render_pdf

    tools = _tools()
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(render_pdf(draft))
    assert pdf.read_bytes().startswith(b"%PDF")

    # 1. the Chinese strings are extractable (a missing glyph has no Unicode mapping of its own)
    text = subprocess.run([tools["pdftotext"], "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for needle in ("不予行政处罚决定书", PARTY, CASE_REF, "第三十三条第一款", "本机关决定不予行政处罚",
                   draft.section("remedies").paragraphs[0]):
        assert re.sub(r"\s+", "", needle) in flat, needle

    # 2. every font is embedded with a Unicode map, and a Noto CJK font is what fontconfig gives
    #    for the template's font family (Chromium embeds the CFF-in-TTC Noto CJK faces as unnamed
    #    Type 3 fonts, so pdffonts cannot show their names)
    fonts = subprocess.run([tools["pdffonts"], str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    assert all(r[-5] == "yes" and r[-3] == "yes" for r in rows), fonts  # emb, uni
    match = subprocess.run(["fc-match", "Noto Serif CJK SC"], capture_output=True, text=True).stdout
    assert "CJK" in match, match

    # 3. the page as an image: dark pixels in the title area, and the title's glyphs differ from one
    #    another (missing-glyph boxes would all be the same box)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tools["pdftoppm"], "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACT.with_suffix(""))], check=True)
    assert ARTIFACT.stat().st_size > 10_000
    print(f"\nPDF 第 1 页 PNG: {ARTIFACT}")
    gray = subprocess.run([tools["pdftoppm"], "-r", "80", "-gray", "-f", "1", "-l", "1", "-singlefile", str(pdf)],
                          capture_output=True, check=True).stdout
    w, h, px = _pgm(gray)
    dark_rows = [sum(1 for v in px[y * w:(y + 1) * w] if v < 128) for y in range(h)]
    bands = _bands(dark_rows)
    top = [b for b in bands if b[0] < h // 4]
    assert len(top) >= 2, bands[:5]  # agency line and title in the top quarter
    title = max(top[:3], key=lambda b: b[1] - b[0])  # the title is the tallest line at the top
    y0, y1 = title
    assert sum(dark_rows[y0:y1]) > 500
    cols = [sum(1 for y in range(y0, y1) if px[y * w + x] < 128) for x in range(w)]
    glyphs = []
    for x0, x1 in _bands(cols):
        glyphs.append(bytes(1 if px[y * w + x] < 128 else 0 for y in range(y0, y1) for x in range(x0, x1)))
    assert len(glyphs) >= 8, len(glyphs)  # 不予行政处罚决定书: nine characters
    assert len(set(glyphs)) >= len(glyphs) - 1, "title glyphs look alike: missing-glyph boxes?"


def test_pdf_timeout_kills_the_whole_process_group(draft, tmp_path, monkeypatch):
    """A renderer that hangs and leaves a child: on timeout both are gone before the temporary folder
    (which holds the party's data) is removed."""
    import time

    from penalty_rules.documents import pdf

    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "fake-chromium"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}\nsleep 300\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PENALTY_RULES_CHROMIUM", str(fake))
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 2)
    before = set(Path(tempfile_dir()).glob("penalty-rules-pdf-*"))
    with pytest.raises(pdf.PdfRenderFailed):
        pdf.render_pdf(draft)
    child = int(pidfile.read_text().strip())

    def alive(pid: int) -> bool:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie waiting for init is dead

    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), "Chromium's child outlived the render"
    assert set(Path(tempfile_dir()).glob("penalty-rules-pdf-*")) <= before  # the party's HTML is gone


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()
