#!/usr/bin/env python3
"""Build import test tables in the published layout from the sourced reference lists.

Usage:
    .venv/bin/python tools/build_import_fixtures.py [REFERENCE_LISTS_DIR] [--out tests/data/import]

REFERENCE_LISTS_DIR defaults to ../shared/reference/lists (relative to the project root). For every
reference file one table is written, in the layout the city's legal office publishes: a title row,
a header row (序号 | 执法领域 | 违法行为 | 违法依据 | 处罚依据 | 不予处罚依据 | 适用条件 | 处理措施 | 备注),
and one section per outcome (“一、不予处罚事项” merged across the row), items numbered per section.
执法领域 is merged down each section (xlsx, docx). The conditions cell is the reference's
`conditions_text` word for word, less the researchers' notes (";" parts on separate lines in the
docx: a multi-line cell); the citation cells are the reference citations written as
《法名》第N条第N款第（N）项 (nothing added).

NOTES OUT OF 适用条件 (round 2): published tables put remarks in 备注, not in 适用条件. The reference
YAML has no item-level field for notes (only sources[].note), and its conditions_text sometimes
carries the researchers' notes (新闻转述, 页面截断, 从轻处罚清单第1项 …). `split_annotations` moves them,
verbatim, by five explicit rules (A1 clauses at ；;。 outside brackets; A2 a label before the first colon
with a marker: only the label moves; A3 a clause with a marker outside brackets moves whole; A4 a
bracketed remark with a marker moves; A5 a clause labelled 裁量幅度: / 配套措施为 is a measure: its text
goes to 处理措施, the label to 备注). Markers: ANNOTATION_MARKERS below and 清单第N项; the list's own
wording is never reworded or dropped (what no rule moves stays in 适用条件). The script prints how
many pieces moved; an item left with an empty 适用条件 is imported with the placeholder condition and
flagged, as a published table with an empty cell would be.

The format rotates over the files (xlsx, docx, csv in turn, by sorted name); tax.yaml is also
written in all three formats (tax-all.{xlsx,docx,csv}) so tests can compare formats.

SPLIT (decided before the condition parser was tuned, recorded here, never changed afterwards):
a reference file is HELD APART when sha256(file name)[0] % 4 == 0, else it is DEVELOPMENT.
Held apart: agriculture, commerce, culture_tourism, education, emergency_safety, fire_rescue,
market, meteorology, transport. Tables are written under dev/ and heldout/ accordingly.
Record (2026-11, first parser version): the held-apart parse output was printed once by mistake
(a flag bug in a scratch script) early in the grammar work, and a few general rules were written
after it (list labels such as 首违不罚: / 首违不罚清单, 须同时满足, 违法行为及危害后果轻微, headings,
fillers 能够 / 后, nested 《》 in law titles); the held-apart rate is therefore somewhat optimistic.
Measured on the held-apart tables: 54.5 % of condition phrases parsed before the 清单 label fix,
55.8 % after (development: 62.4 %); citations 100 % read; no phrase lost.
Record (2026-11, round 2: notes moved to 备注 as below, grammar rules of grammar.py §4, tuned on the
development tables only; the held-apart tables were run once at the end, and once more after a
CSV quoting fix in tables.py that changed no grammar and no held-apart figure): development 72.4 %
(383/529; 67.7 % if the 25 month-window phrases, written as first_offense plus their wording, count
as unparsed; 64.2 % if the 68 notes moved to 备注 count as unparsed phrases), held apart 60.5 %
(231/382; 54.6 % with its 41 moved notes counted as unparsed); citations 100 %; no phrase lost.
Tags against the reference YAML's own tags (other:违法行为轻微 … read as minor_violation as
tools/import_reference.py does): development precision 0.943 → 0.955, recall 0.733 → 0.829;
held apart (measured only at the end) 0.862 / 0.824.
Notes moved by split_annotations: development 68 pieces from 55 of 163 items (34 whole clauses,
26 bracketed remarks, 8 labels; 17 items left with an empty 适用条件) and 2 measure clauses to 处理措施;
held apart 41 pieces from 39 of 108 items (30 clauses, 10 brackets, 1 label; 8 emptied).
Record (2026-11, round 3: officer-attested vocabulary tags — 以往违法均已处理, 罚款已缴纳, 车辆状态正常,
未造成交通事故或交通拥堵, 未造成环境污染, 承诺不再违法, 采取补救措施消除负面影响 — and synonyms 经责令改正后及时改正,
积极配合查处 (tag + wording), chosen from the development tables' custom phrases only; the parse-rate test
prints custom phrases for the development tables only, counts and rates for the held-apart ones):
development 74.8 % → 87.0 % (72.4 % → 84.4 % with moved text as unparsed), held apart 70.0 % → 71.9 %
(61.5 % → 63.2 %). Disclosure: a grep of the bundled lists/ for 拥堵 showed two wordings of the bundled
national transport list (transport is held apart); no lexicon entry was written for them (no 引发).
Correction to round 3 (a re-read found it): "chosen from the development tables' custom phrases
only" is not true of three wordings. The lead read the held-apart top custom phrases that the
earlier test printed and gave 积极配合查处 and 经责令后及时改正 (culture_tourism, emergency_safety:
held apart) to the grammar work as examples, and 书面承诺 (meteorology, held apart) is read too; the
held-apart gain of round 3 (+6 phrases, 3 of them tag + wording kept) is therefore not a clean
held-out figure.
Record (2026-12, round 6: correction tags 主动改正 → corrected_voluntarily and 经责令改正已改正 →
corrected_after_order, and the attested tags 停止建设或恢复原状, 施工初期 / 初期建设, 未造成水土流失危害后果,
没有实质性动工建设等危害后果, 未严重损害劳动者权益, chosen from the development tables' custom phrases; the
held-apart tables were run once, at the end): development 87.3 % (448/513) → 89.7 % (462/515; 88.3 % with
moved text as unparsed), held apart 71.9 % (225/313) → 72.2 % (226/313; 63.5 %). Disclosure: a grep of all
reference lists for 主动改正 early in the round showed one held-apart line (meteorology.yaml) among the
development ones; no rule was written or changed for it, but the held-apart +1 is probably that phrase.
Record (2026-12, faithfulness fixes of issue 11's import review — no rule tuned to raise a rate; the review's own
probe tables, not these, chose the forms; three of its cases are held-apart items (culture_tourism np-01..05's
2017 citation, np-13's and agriculture np-05's brackets), named by the reviewer): development unchanged 87.3 % (448/513; moved 8);
held apart 71.9 % → 70.5 % (225/313 → 225/319: brackets the grammar does not know now stay conditions in
their words instead of moving to the note, moved 43 → 40; with moved text as unparsed 63.2 % → 62.7 %);
words kept beside a tag, development 54 → 56 (a correction limit's start). Items holding a flag that blocks
approval: development 3 → 9, held apart 4 → 30 (conditions.moved_to_note now blocks: 6 and 24 items).
Both together (round 6 and the faithfulness fixes, merged): development 89.7 % (462/515; 88.3 % with moved text as
unparsed), held apart 70.8 % (226/319; 63.0 %).
Record (2026-12, round 7: numbered parts with no 之一 / 同时 word that each state the harm and the correction are
alternative cases (conditions.numbered_cases); Latin labels （a） / a. / I. read as list labels — no development
table has them: tests/importer/test_grammar_round7.py writes a development list's 之一 wording with them). Chosen from
the development tables' custom phrases only; the held-apart rate was printed three times by the parse-rate test
(once mid-round, unchanged; at the end, before and after two guards), its wording never shown: development 89.7 % (462/515; 88.3 %) → 90.0 %
(469/521, 90.02 %; 88.7 % with moved text as unparsed), held apart unchanged 70.8 % (226/319; 63.0 %); items
blocked unchanged (9 / 28).

Bad-input fixtures (bad/): empty files, no header, unknown column, duplicate 序号, unreadable
outcome, a corrupt xlsx and docx, and a password-protected xlsx (needs msoffcrypto-tool to write;
skipped with a message when it is not installed).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from penalty_rules.model.citation import Citation  # noqa: E402
from penalty_rules.model.outcome import Outcome  # noqa: E402

DEFAULT_REFERENCE = PROJECT_ROOT.parent / "shared" / "reference" / "lists"
DEFAULT_OUT = PROJECT_ROOT / "tests" / "data" / "import"
HEADERS = ["序号", "执法领域", "违法行为", "违法依据", "处罚依据", "不予处罚依据", "适用条件", "处理措施", "备注"]
SECTION = {
    Outcome.no_penalty: "不予处罚事项",
    Outcome.discretionary_no_penalty: "可以不予处罚事项",
    Outcome.reduced_penalty: "减轻处罚事项",
    Outcome.lighter_penalty: "从轻处罚事项",
}
ORDINAL = "一二三四五六七八九十"
FORMATS = ("xlsx", "docx", "csv")
ALL_FORMATS_FILE = "tax.yaml"


def held_apart(file_name: str) -> bool:
    return hashlib.sha256(file_name.encode("utf-8")).digest()[0] % 4 == 0


def cite(raw: list | None) -> str:
    out = []
    for c in raw or []:
        fields = {k: v for k, v in c.items() if v is not None}
        out.append(Citation(**fields).label())
    return "；".join(out)


def domain_names(domains_file: Path) -> dict[str, str]:
    reg = yaml.safe_load(domains_file.read_text("utf-8"))
    names = {}
    for d in reg["domains"]:
        if d.get("reference_file") and d["reference_file"] not in names:
            names[d["reference_file"]] = d["zh"]
    names.setdefault("public_security.yaml", next(d["zh"] for d in reg["domains"] if d["code"] == "road_traffic"))
    return names


# -- researchers' annotations in conditions_text -------------------------------------------------------
# The reference YAML has no separate field for item notes (only sources[].note), so where a note is
# mixed into conditions_text it is split out here by the rules A1–A4 below and written to 备注.
ANNOTATION_MARKERS = (
    "页面", "截断", "乱码", "新闻", "报道", "转述", "转载", "照录", "推测", "未核实", "未编码", "兜底",
    "清单措辞", "清单未说明", "清单所引", "适用条件栏", "依据为", "依据仅写", "依据未见", "基准新增",
    "汇编的类别标题", "门槛仅属", "按语义拆分", "故记为",
)
# A5: a clause that the researcher labelled as the measure (从轻后的裁量幅度: … / 配套措施为 …) is the
# list's 处理措施 / 裁量基准, not a condition: its text goes to 处理措施, the label to 备注.
MEASURE_LABEL = re.compile(r"^(?P<label>[^:：;；。]*?(?:裁量幅度[:：]|配套措施为))(?P<measure>.+)$")
ANNOTATION_RE = re.compile("|".join(map(re.escape, ANNOTATION_MARKERS)) + r"|清单第[0-9一二三四五六七八九十]+项")
_BRACKET = re.compile(r"[（(][^（）()]*[）)]")


def _outside_brackets(text: str) -> str:
    return _BRACKET.sub("", text)


def split_annotations(text: str) -> tuple[str, list[str], list[str]]:
    """conditions_text → (the list's condition wording, [annotations moved to 备注], [measures]),
    by rules:

    A1 the text is cut into clauses at ；;。 (outside brackets); a clause keeps its brackets.
    A2 a clause whose words outside brackets, before its first ：/:, contain a marker and which has
       text after that colon: only the label up to and with the colon moves (新闻举例: / 基准新增情形: /
       免于经济处罚清单第1项:); the rest stays.
    A3 otherwise a clause whose words outside brackets contain a marker moves whole.
    A4 in what stays, a bracketed remark (…) / （…） that contains a marker moves.
    A5 (checked first) a clause labelled 裁量幅度: / 配套措施为: its text goes to 处理措施, the label
       to 备注 (MEASURE_LABEL).
    Markers: ANNOTATION_MARKERS and 清单第N项 (the researcher's locator of the item). Nothing else
    moves, nothing is reworded: the moved pieces are copied verbatim, joined with ；.
    """
    text = text or ""
    clauses, depth, cur = [], 0, ""
    for ch in text:
        cur += ch
        depth += ch in "(（"
        depth -= ch in ")）" and depth > 0
        if ch in "；;。" and depth == 0:
            clauses.append(cur)
            cur = ""
    if cur:
        clauses.append(cur)
    kept, moved, measures = [], [], []
    for clause in clauses:
        body = clause.rstrip("；;。")
        end = clause[len(body):]
        m = MEASURE_LABEL.match(body)
        if m:
            rest = m.group("measure")
            moved.append(m.group("label").rstrip(":："))
            moved += [b.group(0) for b in _BRACKET.finditer(rest) if ANNOTATION_RE.search(b.group(0))]
            measures.append(_BRACKET.sub(lambda b: "" if ANNOTATION_RE.search(b.group(0)) else b.group(0), rest))
            continue
        outside = _outside_brackets(body)
        head = re.split(r"[:：]", outside, maxsplit=1)
        if len(head) == 2 and head[1].strip() and ANNOTATION_RE.search(head[0]):
            cut = re.search(r"[:：]", body).end()
            moved.append(body[:cut].rstrip(":："))
            body = body[cut:]
        elif ANNOTATION_RE.search(outside):
            moved.append(body)
            continue
        for m in list(_BRACKET.finditer(body)):
            if ANNOTATION_RE.search(m.group(0)):
                moved.append(m.group(0))
        body = _BRACKET.sub(lambda m: "" if ANNOTATION_RE.search(m.group(0)) else m.group(0), body)
        if body.strip(" ，,、"):
            kept.append(body + end)
    cond = "".join(kept).strip()
    if cond and cond[-1] in "；;":
        cond = cond[:-1] + ("。" if text.rstrip().endswith("。") else "")
    return cond, [m.strip() for m in moved if m.strip()], [m.strip() for m in measures if m.strip()]


STATS = {"items": 0, "items_with_annotations": 0, "annotations_moved": 0, "measures_moved": 0,
         "items_left_without_conditions": 0}


def sections(ref: dict, domain_zh: str) -> list[tuple[str, list[list[str]]]]:
    """[(section title, rows)] in outcome order; rows are the cell texts of HEADERS."""
    out = []
    for k, outcome in enumerate(o for o in SECTION if any(i["outcome"] == o.value for i in ref["items"])):
        rows = []
        for n, item in enumerate((i for i in ref["items"] if i["outcome"] == outcome.value), 1):
            rows.append([
                str(n), domain_zh, item["violation"], cite(item.get("violated")), cite(item.get("penalty_basis")),
                cite(item.get("exemption_basis")), *_conditions_and_remarks(item),
            ])
        out.append((f"{ORDINAL[k]}、{SECTION[outcome]}", rows))
    return out


def _conditions_and_remarks(item: dict) -> tuple[str, str, str]:
    """(适用条件, 处理措施, 备注) cells of an item."""
    cond, moved, measures = split_annotations(item.get("conditions_text") or "")
    STATS["items"] += 1
    if moved:
        STATS["items_with_annotations"] += 1
        STATS["annotations_moved"] += len(moved)
        if not cond:
            STATS["items_left_without_conditions"] += 1
    STATS["measures_moved"] += len(measures)
    return cond, "；".join(measures), "；".join(moved)


def title_of(ref: dict) -> str:
    return f"{ref['domain']}领域包容审慎监管清单(据参考清单整理的测试表格)"


def write_csv(path: Path, title: str, secs) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([title] + [""] * (len(HEADERS) - 1))
        w.writerow(HEADERS)
        for name, rows in secs:
            w.writerow([name] + [""] * (len(HEADERS) - 1))
            w.writerows(rows)


def write_xlsx(path: Path, title: str, secs) -> None:
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    for name, rows in secs:
        ws.append([name])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADERS))
        first = ws.max_row + 1
        for row in rows:
            ws.append([int(row[0])] + row[1:])
            ws.cell(ws.max_row, 7).alignment = Alignment(wrap_text=True)
        last = ws.max_row
        if last > first:  # 执法领域 merged down the section
            for rr in range(first + 1, last + 1):
                ws.cell(rr, 2).value = None
            ws.merge_cells(start_row=first, start_column=2, end_row=last, end_column=2)
    bio = io.BytesIO()
    wb.save(bio)
    path.write_bytes(_deterministic_zip(bio.getvalue()))


def write_docx(path: Path, title: str, secs) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    n_rows = 1 + sum(1 + len(rows) for _, rows in secs)
    table = document.add_table(rows=n_rows, cols=len(HEADERS))
    for i, h in enumerate(HEADERS):
        table.cell(0, i).text = h
    r = 1
    for name, rows in secs:
        merged = table.cell(r, 0).merge(table.cell(r, len(HEADERS) - 1))
        merged.text = name
        r += 1
        first = r
        for row in rows:
            for i, value in enumerate(row):
                if i == 1 and r > first:
                    continue
                if i == 6:  # the conditions cell: one line per ";" part, as such tables print it
                    value = value.replace(";", ";\n").replace("；", "；\n").rstrip("\n")
                table.cell(r, i).text = value
            r += 1
        if r - 1 > first:
            table.cell(first, 1).merge(table.cell(r - 1, 1))
    bio = io.BytesIO()
    document.save(bio)
    path.write_bytes(_deterministic_zip(bio.getvalue()))


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed timestamps (so re-running the script changes no file)."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                body = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<", rb"<dcterms:\1\2>2026-01-01T00:00:00Z<", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
    return out.getvalue()


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "docx": write_docx}


def bad_fixtures(out: Path) -> None:
    bad = out / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "empty.csv").write_bytes(b"")
    (bad / "empty.xlsx").write_bytes(b"")
    item = ["1", "税务", "未按照规定期限办理纳税申报和报送纳税资料", "《中华人民共和国税收征收管理法》第二十五条第一款",
            "", "", "首次发生且危害后果轻微", "", ""]
    write_csv(bad / "no-header.csv", "清单", [("一、不予处罚事项", [item])])
    # no header at all: rows of items only
    with (bad / "no-header.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([item, item])
    with (bad / "unknown-column.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS[:-1] + ["联系人"])
        w.writerow(["一、不予处罚事项"] + [""] * (len(HEADERS) - 1))
        w.writerow(item[:-1] + ["张三"])
    with (bad / "duplicate-number.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerow(["一、不予处罚事项"] + [""] * (len(HEADERS) - 1))
        w.writerow(item)
        w.writerow(["1"] + item[1:2] + ["未按照规定设置、保管账簿"] + item[3:])
    with (bad / "unreadable-outcome.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerow(["一、其他事项"] + [""] * (len(HEADERS) - 1))
        w.writerow(item)
    with (bad / "outcome-column.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS[:-1] + ["处理结果"])
        w.writerow(item[:-1] + ["不予处罚"])
        w.writerow(["2"] + item[1:2] + ["未按照规定设置、保管账簿"] + item[3:-1] + ["酌情处理"])
    # unusual headers, read with a column map
    with (bad / "custom-headers.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项次", "领域名称", "违法行为", "法条", "处罚依据", "不予处罚依据", "条件", "处理措施", "备注"])
        w.writerow(["一、不予处罚事项"] + [""] * (len(HEADERS) - 1))
        w.writerow(item)
    (bad / "custom-headers.map.yaml").write_text(
        "columns:\n  项次: number\n  领域名称: domain\n  法条: violated\n  条件: conditions\n", "utf-8")
    (bad / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 20 + b"not a real workbook")
    (bad / "corrupt.docx").write_bytes(b"this is not a word document at all")
    try:
        import msoffcrypto  # noqa: F401
        from msoffcrypto.format.ooxml import OOXMLFile

        plain = bad / "_plain.xlsx"
        write_xlsx(plain, "清单", [("一、不予处罚事项", [item])])
        with plain.open("rb") as fh:
            enc = io.BytesIO()
            OOXMLFile(fh).encrypt("secret", enc)
        (bad / "password.xlsx").write_bytes(enc.getvalue())
        plain.unlink()
    except ImportError:
        print("msoffcrypto-tool not installed: password.xlsx not (re)written", file=sys.stderr)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reference", nargs="?", default=str(DEFAULT_REFERENCE))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    ref_dir, out = Path(args.reference), Path(args.out)
    names = domain_names(PROJECT_ROOT / "lists" / "domains.yaml")
    files = sorted(p for p in ref_dir.glob("*.yaml"))
    for k, path in enumerate(files):
        ref = yaml.safe_load(path.read_text("utf-8"))
        secs = sections(ref, names.get(path.name, ref["domain"]))
        group = "heldout" if held_apart(path.name) else "dev"
        (out / group).mkdir(parents=True, exist_ok=True)
        fmts = FORMATS if path.name == ALL_FORMATS_FILE else (FORMATS[k % 3],)
        for fmt in fmts:
            stem = path.stem + ("-all" if path.name == ALL_FORMATS_FILE else "")
            WRITERS[fmt](out / group / f"{stem}.{fmt}", title_of(ref), secs)
    bad_fixtures(out)
    print(f"written under {out}")
    print("annotations split out of conditions_text: {annotations_moved} pieces from {items_with_annotations} of "
          "{items} items to 备注, {measures_moved} measures to 处理措施; {items_left_without_conditions} items "
          "left with an empty 适用条件".format(**STATS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
