#!/usr/bin/env python3
"""Convert the sourced reference items (shared/reference/lists/*.yaml) into list version files.

Usage:
    .venv/bin/python tools/import_reference.py [REFERENCE_LISTS_DIR] [--out LISTS_DIR]

REFERENCE_LISTS_DIR defaults to ../shared/reference/lists relative to the project root, LISTS_DIR to
<project>/lists. One file is written per source document: lists/<folder>/<doc-id>/<version>.yaml.

This script is kept in the repository as the record of how reference items were mapped. The rules:

* Folder and level. Reference `jurisdiction: national` → national/ (level national, jurisdiction CN);
  `jurisdiction: Shandong` (province-level bodies only) → shandong/ (level province, jurisdiction
  370000). Everything else → analogue/ (level analogue, jurisdiction null): other provinces, other
  Shandong cities (Zibo, Linyi, Weihai, Weifang, Qingdao are not Liaocheng), pages of unknown origin,
  and the Changjiang MSA list (national body, but it covers only the Yangtze trunk line).
* The two national tax documents are already encoded by hand (lists/national/cn-tax-first-offense);
  their reference sources are skipped here.
* Document id = reference source id. Version = the year in the id, else "1".
  effective_from = reference `effective` (never a publication date). Publication/issue dates given
  only in a reference comment or note go to published_on, and the notes say so. "有效期至D" /
  "valid until D" sets effective_to to the day after D (effective_to is exclusive in the corpus);
  a repeal date sets effective_to to that date. Status: draft / repealed when the reference says so.
* Item id = <doc-id>/<NN> from source_item_no; null numbers → <doc-id>/xNN in order (flag
  source_item_no). Where numbers repeat across sub-lists of one source, the sub-list gets an ASCII
  prefix (SUBLIST_PREFIX), e.g. hetian-health-2023/lighter-01.
* Domain = the domain whose reference_file is the item's file; public_security.yaml → road_traffic
  for traffic items; DOMAIN_BY_CONDUCT overrides a few items by their conduct.
* Conditions: vocabulary tags stay tags; "other:X" → {custom: X}, except the minor-violation and
  self-correction wordings in OTHER_TO_TAG. `within_threshold` is replaced by the item's thresholds
  as typed Threshold objects (THRESHOLD_KEYS), at the place where within_threshold stood;
  THRESHOLD_LAYOUT gives the few items whose thresholds are alternatives (之一/或) or cannot be
  typed faithfully.
* Citations copied, null keys dropped; no article number is ever added.
* Measures only where the reference text states one (MEASURES).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = PROJECT_ROOT.parent / "shared" / "reference" / "lists"
SCHEMA_HEADER = "# yaml-language-server: $schema=../../../schema/list.schema.json\n"

ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
ITEM_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*/[a-z0-9][a-z0-9.-]*$")

# Already encoded by hand in lists/national/cn-tax-first-offense/ (versions 2021-6 and 2021-33).
SKIP_SOURCES = {"cn-tax-2021-6", "cn-tax-2021-33"}

VOCAB_TAGS = {
    "first_offense", "corrected_promptly", "no_harm", "minor_harm", "corrected_within_deadline",
    "corrected_before_discovery", "no_subjective_fault", "cooperated", "eliminated_harm",
    "coerced_or_deceived", "confessed", "meritorious", "no_illegal_gains", "minor_violation",
}

OTHER_TO_TAG = {
    "违法行为轻微": "minor_violation",
    "违法情节轻微": "minor_violation",
    "情节轻微": "minor_violation",
    "违法行为显著轻微": "minor_violation",
    "自行纠正": "corrected_promptly",
    "自行改正": "corrected_promptly",
    "立即自行改正": "corrected_promptly",
}
NOTE_SIGNIFICANTLY_MINOR = "来源条件“违法行为显著轻微”已映射为 minor_violation(违法行为轻微)标签;词表不区分“显著轻微”。"

# reference threshold key → (quantity, bound). *_max_* → max, *_below_*/*_lt_* → lt,
# *_min_*/*_pct_min → min; deadline keys → time taken to correct/report, max.
THRESHOLD_KEYS = {
    "correction_deadline_workdays": ("correction_workdays", "max"),
    "correction_deadline_days": ("correction_days", "max"),
    "correction_deadline_months": ("correction_months", "max"),
    "report_within_hours": ("report_hours", "max"),
    "overspeed_pct_below": ("overspeed_pct", "lt"),
    "overspeed_pct_min": ("overspeed_pct", "min"),
    "overload_pct_below": ("overload_pct", "lt"),
    "first_overload_pct_max": ("overload_pct", "max"),
    "affected_persons_max": ("affected_persons", "max"),
    "affected_employees_max": ("affected_workers", "max"),
    "workers_affected_max": ("affected_workers", "max"),
    "illegal_amount_max_yuan": ("illegal_amount_yuan", "max"),
    "illegal_amount_ratio_max_pct": ("illegal_amount_ratio_pct", "max"),
    "goods_value_below_yuan": ("goods_value_yuan", "lt"),
    "goods_value_max_yuan": ("goods_value_yuan", "max"),
    "approval_delay_months_below": ("approval_delay_months", "lt"),
    "fine_amount_below_yuan": ("fine_amount_yuan", "lt"),
    "exceedance_multiple_max": ("exceedance_multiple", "max"),
    "ph_min": ("ph", "min"),
    "ph_max": ("ph", "max"),
    "noise_exceedance_db_max": ("noise_exceedance_db", "max"),
    "boiler_capacity_t_per_h_max": ("boiler_capacity_t_per_h", "max"),
    "hazardous_waste_t_per_year_max": ("hazardous_waste_t_per_year", "max"),
    "employees_max": ("employees", "max"),
    "violation_duration_months_max": ("violation_duration_months", "max"),
    "duration_max_months": ("violation_duration_months", "max"),
    "duration_lt_months": ("violation_duration_months", "lt"),
    "amount_per_worker_max_yuan": ("amount_per_worker_yuan", "max"),
    "workers_items_taken_max": ("workers_items_taken", "max"),
    "tobacco_leaf_max_kg": ("tobacco_leaf_kg", "max"),
    "cigarettes_max_cartons": ("cigarettes_cartons", "max"),
    "cigarettes_max_sticks": ("cigarettes_sticks", "max"),
    "cigarettes_value_max_yuan": ("cigarettes_value_yuan", "max"),
    "leaf_or_cut_tobacco_max_kg": ("leaf_or_cut_tobacco_kg", "max"),
    "checklist_errors_max": ("checklist_errors", "max"),
    "overdue_months_max": ("overdue_months", "max"),
    # garbage_container_fraction_min (0.667 for "2/3及以上") is not typed: see THRESHOLD_LAYOUT.
}


def T(key: str, value):
    """A typed threshold from a reference threshold key."""
    quantity, op = THRESHOLD_KEYS[key]
    return {"quantity": quantity, op: value}


# Items whose thresholds are not simply "all of them, where within_threshold stood".
# Keyed by (source id, violation). Each entry: `all` (thresholds/customs appended to conditions.all in
# place of within_threshold), `any_of` (bundles appended), `flags`, `note`.
THRESHOLD_LAYOUT = {
    ("linyi-eco-2020", "超标排放水或大气污染物、噪声轻微超标"): {
        # "超标倍数0.1倍以内,或pH值在5至10之间,或噪声超标1分贝以内(三者之一),次日完成整改"
        "all": [T("correction_deadline_days", 1)],
        "any_of": [
            [T("exceedance_multiple_max", 0.1)],
            [T("ph_min", 5), T("ph_max", 10)],
            [T("noise_exceedance_db_max", 1)],
        ],
        "note": "三项超标阈值为“三者之一”,记为 any_of;“次日完成整改”记为改正用时不超过1日。",
    },
    ("bj-eco-2022", "燃气锅炉未办环评审批和验收即投入使用"): {
        "all": [
            T("boiler_capacity_t_per_h_max", 10),
            {"custom": "锅炉总容量不低于清单所定下限(下限数值页面乱码无法辨认)"},
            T("correction_deadline_months", 3),
        ],
        "flags": ["thresholds"],
    },
    ("js-hrss-16", "以担保或其他名义向劳动者收取财物"): {
        # "人均收取200元以内,或收取物品涉及3人以内"
        "any_of": [[T("amount_per_worker_max_yuan", 200)], [T("workers_items_taken_max", 3)]],
    },
    ("hn-tobacco-2025", "超过国家规定限量邮寄或异地携带烟叶、烟草制品"): {
        # "卷烟雪茄不超过3条(600支)、金额不超过3000元且未同时寄其他烟草制品,或烟叶烟丝复烤烟叶不超过12.5公斤"
        "any_of": [
            [
                T("cigarettes_max_cartons", 3),
                T("cigarettes_max_sticks", 600),
                T("cigarettes_value_max_yuan", 3000),
                {"custom": "未同时邮寄其他烟草制品"},
            ],
            [T("leaf_or_cut_tobacco_max_kg", 12.5)],
        ],
    },
    ("cjmsa-2025", "船舶配备的垃圾收集容器数量不满足检验证书要求"): {
        # 0.667 in the reference stands for 2/3, which no decimal bound states exactly.
        "all": [{"custom": "已满足规定数量的2/3及以上"}],
        "flags": ["thresholds"],
    },
}

# Conditions added where the reference gives two items of one source the same conduct and the same
# visible conditions but different outcomes: the distinction exists in the source but was not seen,
# so the officer must confirm it (flagged "conditions"; never an invented legal condition).
EXTRA_CONDITIONS = {
    ("hetian-health-2023", "减轻处罚事项清单"): {
        "custom": "经核实符合减轻处罚清单的适用情形(来源页面所列情形与从轻处罚清单相同,二者区别未见)",
    },
}

# Items whose conduct belongs to another domain than their reference file's.
DOMAIN_BY_CONDUCT = {
    ("qz-culture-2025", "内部资料编印单位未将内部资料限定在本行业、系统、单位内交流,在公共场所摆放"): "press_publication",
    ("ly-culture-2020", "持卫星电视接收许可证的机构超出许可事项接收卫星电视节目"): "press_publication",
    ("ly-culture-2020", "复制单位变更法定代表人或主要负责人未依《复制管理办法》办理审批"): "press_publication",
    ("bj-culture-2022", "出版物发行单位或个人未能提供近两年出版物发行进销货清单等非财务票据"): "press_publication",
    ("bj-culture-2022", "出版物发行单位或个人提供的近两年进销货清单等票据未按规定载明有关内容"): "press_publication",
    ("bj-culture-2022", "印刷企业承印正规出版单位合法图书期刊,未验证收存印刷委托书或未在印刷前报备"): "press_publication",
    ("bj-culture-2022", "印刷企业自完成出版物印刷之日起2年内未留存样本备查"): "press_publication",
    ("bj-culture-2022", "网络出版服务单位未在网站首页标明《网络出版服务许可证》编号"): "press_publication",
}

# Measures stated in the reference text (copied, never inferred). Keyed by (source id, violation).
MEASURES: dict[tuple[str, str], list[str]] = {}
# Sources whose every item states the same measure.
MEASURES_BY_SOURCE = {
    "traffic-15-warning": ["警告"],  # "可以只给予警告,不罚款、不记分"
    "cs-traffic-warning": ["警告"],  # "以警告代替罚款记分"
    "cjmsa-2025": ["警示教育"],  # "以警示教育代替行政处罚"
    "ty-traffic-2021": ["提示", "教育"],  # "经查证后放行并提示,只教育不处罚"
}
MEASURES.update({
    ("qz-justice-2025", "司法鉴定机构违反司法鉴定程序规定并造成后果"): [
        "警告", "责令改正", "有违法所得的没收并处违法所得一倍罚款"],
    ("qz-justice-2025", "司法鉴定机构组织未取得《司法鉴定人执业证》的人员从事鉴定业务"): [
        "警告", "责令改正", "有违法所得的没收并处违法所得一倍罚款"],
    ("jiaxian-forest", "盗伐森林或其他林木"): ["限期补种盗伐株数一倍的树木,并处盗伐林木价值五倍的罚款"],
    ("longcheng-housing", "必须招标的项目不招标,或化整为零等方式规避招标"): ["责令限期改正"],
    ("met-first-batch-2024", "危害气象设施(侵占、损毁或未经批准擅自移动气象设施等)"): [
        "书面承诺书", "核查整改", "纳入双随机抽查"],
    ("xianning-safety-2022", "危险化学品生产企业未提供化学品安全技术说明书,或未在包装上粘贴、拴挂化学品安全标签"): [
        "预警提示", "行政指导"],
    ("nm-drug-annex5", "药品经营企业或医疗机构销售(使用)假药,但有充分证据证明其不知情"): ["没收假药和违法所得"],
})

# Sub-list prefixes, used only where item numbers repeat across sub-lists of one source.
SUBLIST_PREFIX = {
    "从轻处罚事项清单": "lighter",
    "减轻处罚事项清单": "reduced",
    "轻微违法行为从轻行政处罚清单": "lighter",
    "轻微违法行为免于经济处罚清单": "no-fine",
}

# Where a source is (as the source gives it). Required for every analogue source.
LOCALITY = {
    "ah-zongyang-2023": "安徽省枞阳县",
    "weinan-agri-2023": "陕西省渭南市",
    "wangcang-agri-2022": "四川省旺苍县",
    "huangshi-agri-2022": "湖北省黄石市",
    "qinghe-agri-2022": "河北省清河县",
    "xian-agri-2024": "陕西省西安市",
    "liandu-agri-2022": "浙江省丽水市莲都区",
    "sz-ahv-2025": "广东省深圳市",
    "mzj-xam-2021": "来源未显示地域(据网站域名推断为内蒙古自治区兴安盟)",
    "xj-hotan-civil-2024": "新疆维吾尔自治区和田市",
    "rf-three-lists-2022": "来源未显示地域",
    "he-wuji-commerce-2022": "河北省无极县",
    "whkfq-culture-2021": "湖北省武汉经济技术开发区(汉南区)",
    "tj-culture-2021-draft": "天津市",
    "gd-culture-2022": "广东省",
    "qz-culture-2025": "福建省泉州市",
    "ly-culture-2020": "河南省洛阳市",
    "bj-culture-2022": "北京市",
    "nm-drug-annex5": "内蒙古自治区",
    "zibo-eco-2024": "山东省淄博市",
    "linyi-eco-2020": "山东省临沂市",
    "bj-eco-2022": "北京市",
    "quzhou-eco": "浙江省衢州市",
    "shanxi-eco": "山西省",
    "gd-zhuhai-edu-2025": "广东省珠海市",
    "ha-puyang-edu-2022": "河南省濮阳市",
    "hn-zhuzhou-edu-2022": "湖南省株洲市",
    "gx-liuzhou-edu-2021": "广西壮族自治区柳州市",
    "weihai-safety-2025": "山东省威海市",
    "js-safety": "江苏省",
    "guangde-safety": "安徽省广德市",
    "xianning-safety-2022": "湖北省咸宁市",
    "sc-suining-finance": "四川省遂宁市",
    "sc-fire-first": "四川省",
    "henan-forest-2022": "河南省",
    "jiaxian-forest": "来源未显示地域(据网站域名推断为河南省郏县)",
    "hn-fenghuang-drc-2024": "湖南省凤凰县",
    "gs-grain-2021": "甘肃省",
    "zs-health-2021": "广东省中山市",
    "hetian-health-2023": "新疆维吾尔自治区和田市",
    "weifang-housing-2025": "山东省潍坊市",
    "pingba-housing": "贵州省安顺市",
    "longcheng-housing": "辽宁省朝阳市龙城区",
    "dg-hpf-2018": "广东省东莞市",
    "bj-hpf-2020": "北京市",
    "hb-xianning-hrss-2022": "湖北省咸宁市",
    "js-hrss-16": "江苏省",
    "tj-hrss-2021": "天津市",
    "bj-hrss-2020": "北京市",
    "qz-justice-2025": "浙江省衢州市",
    "sh-2019": "上海市",
    "hn-linxiang-mr": "湖南省临湘市",
    "gd-heshan-mr": "广东省鹤山市",
    "yn-yuanmou-medins-2022": "云南省元谋县",
    "met-first-batch-2024": "来源未显示地域",
    "met-hebei-2022": "来源未显示地域(据所引河北省实施办法推断为河北省)",
    "junshan-natres-2021": "湖南省岳阳市君山区",
    "hunan-natres-2025": "湖南省",
    "traffic-15-warning": "来源未显示地域",
    "cs-traffic-warning": "湖南省长沙市",
    "ty-traffic-2021": "山西省太原市",
    "jx-xinyu-stats-2022": "江西省新余市",
    "hb-wuhan-stats-2021": "湖北省武汉市",
    "hn-tobacco-2025": "湖南省",
    "cjmsa-2025": "长江干线(长江海事局辖区)",
    "qd-urban-2020": "山东省青岛市",
    "urban-unattributed": "来源未显示地域",
    "gd-water-2022": "广东省",
    "hengyang-water-2022": "湖南省衡阳市",
    "xm-water-2022": "福建省厦门市",
}

# tax.yaml's file notes describe the national tax lists only; they are not copied to this analogue.
FILE_NOTES_NOT_FOR = {"ah-zongyang-2023"}

# Placeholders for conditions the source has but the page did not show. An item with no condition
# at all would apply unconditionally in the engine, so it gets UNSEEN_ALL; an item whose conditions
# were cut off part-way (TRUNCATED_CONDITIONS, read from conditions_text) gets UNSEEN_REST. Both are
# custom conditions the officer confirms against the official text; both flag "conditions".
UNSEEN_ALL = {"custom": "符合来源清单所列适用条件(页面未显示,须核对原文)"}
UNSEEN_REST = {"custom": "符合来源清单所列的其余适用条件(页面截断未见,须核对原文)"}
TRUNCATED_CONDITIONS = {
    ("mzj-xam-2021", "社会团体超出章程规定的宗旨和业务范围活动"),
    ("bj-culture-2022", "网络出版服务单位未在网站首页标明《网络出版服务许可证》编号"),
    ("linyi-eco-2020", "违反环保“三同时”制度(配套环保设施未验收即投产等)"),
    ("bj-eco-2022", "建设单位未依法备案建设项目环境影响登记表"),
    ("hn-zhuzhou-edu-2022", "民办学校擅自改变名称、层次、类别、举办者,或发布虚假招生简章、广告骗取钱财"),
    ("xianning-safety-2022", "危险化学品安全技术说明书或安全标签与所装危化品不符,或内容不符合国家标准"),
    ("sc-fire-first", "高层民用建筑因维修等需要停用建筑消防设施未在显著位置公告"),
    ("hn-fenghuang-drc-2024", "粮食经营者及饲料、工业用粮企业未按规定报送粮食基本数据和有关情况"),
    ("tj-hrss-2021", "以实习名义招用高校、中职在校学生(学校按教学要求组织的实习除外)"),
    ("gd-heshan-mr", "电商平台经营者未在首页显著位置持续公示平台服务协议、交易规则或其链接标识"),
    ("met-hebei-2022", "向社会传播气象预报未注明发布单位名称和发布时间"),
    ("hb-wuhan-stats-2021", "统计调查对象提供不真实或不完整的统计资料"),
    ("ah-zongyang-2023", "纳税人未按规定将其全部银行账号报送税务机关"),
    ("hn-tobacco-2025", "超过国家规定限量邮寄或异地携带烟叶、烟草制品"),
    ("mot-hf-list", "未经批准在公路用地范围内设置公路标志以外的其他标志"),
    ("gd-water-2022", "水土保持设施未经验收或验收不合格即将生产建设项目投产使用"),
}


# ------------------------------------------------------------------------------------------------
class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # no &id anchors
        return True


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def dump(data) -> str:
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)


def read_reference(ref_dir: Path):
    """Return (files, raw texts): {file name: parsed yaml}."""
    files = {}
    texts = {}
    for path in sorted(ref_dir.glob("*.yaml")):
        texts[path.name] = path.read_text("utf-8")
        files[path.name] = yaml.safe_load(texts[path.name])
    return files, texts


def effective_comments(text: str) -> dict[str, str]:
    """The comment after `effective:` of each source (dates the reference keeps only in comments)."""
    out = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"\s*- id:\s*(\S+)", line)
        if m:
            current = m.group(1)
        m = re.match(r"\s*effective:.*?#\s*(.+)$", line)
        if m and current:
            out[current] = m.group(1).strip()
    return out


def domain_map(domains_file: Path) -> dict[str, str]:
    reg = yaml.safe_load(domains_file.read_text("utf-8"))
    out = {}
    for d in reg["domains"]:
        rf = d.get("reference_file")
        if rf and rf not in out:
            out[rf] = d["code"]
    out["public_security.yaml"] = "road_traffic"  # all its items are road-traffic items (checked below)
    return out, {d["code"] for d in reg["domains"]}


def citations(raw) -> list[dict]:
    out = []
    for c in raw or []:
        out.append({k: v for k, v in c.items() if v is not None})
    return out


def folder_of(src) -> tuple[str, str, str | None, str]:
    """(folder, level, jurisdiction, locality)."""
    j = src["jurisdiction"]
    if j == "national":
        return "national", "national", "CN", "全国"
    if j == "Shandong":
        return "shandong", "province", "370000", "山东省"
    if src["id"] not in LOCALITY:
        raise SystemExit(f"no locality for analogue source {src['id']} ({j})")
    return "analogue", "analogue", None, LOCALITY[src["id"]]


def version_of(src_id: str) -> str:
    m = re.search(r"(?<!\d)(19|20)\d\d(?!\d)", src_id)
    return m.group(0) if m else "1"


def parse_date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def dates_of(src, comment: str | None):
    """published_on, effective_to, status, notes about dates."""
    note = src.get("note") or ""
    status_raw = src.get("status") or ""
    notes = []
    published = None
    m = re.search(r"published (\d{4}-\d{2}-\d{2})", comment or "") or re.search(
        r"issued (\d{4}-\d{2}-\d{2})", comment or ""
    )
    if m:
        published = parse_date(m.group(1))
    else:
        m = re.search(r"(?:发布于|印发日期|发布日期|印发)(\d{4}-\d{2}-\d{2})", note)
        if m:
            published = parse_date(m.group(1))
    effective_to = None
    status = "in_force"
    if status_raw.startswith("draft") or "征求意见稿" in src["title"] or "征求意见稿" in note:
        status = "draft"
    m = re.match(r"repealed (\d{4}-\d{2}-\d{2})", status_raw)
    if m:
        status = "repealed"
        effective_to = parse_date(m.group(1))
        notes.append(f"来源注明于{m.group(1)}废止;effective_to 取该日(当日起不再适用)。")
    m = re.search(r"有效期至(\d{4}-\d{2}-\d{2})", note) or re.search(
        r"valid until (\d{4}-\d{2}-\d{2})", comment or ""
    )
    if m and effective_to is None:
        last = parse_date(m.group(1))
        effective_to = last + dt.timedelta(days=1)
        notes.append(
            f"来源载明有效期至{m.group(1)};effective_to 为其次日{effective_to.isoformat()}(不含当日)。"
        )
    return published, effective_to, status, notes


def convert_conditions(item, key, notes: list[str], flags: list[str]):
    thresholds = item.get("thresholds") or {}
    layout = THRESHOLD_LAYOUT.get(key)
    if layout:
        flags.extend(layout.get("flags", []))
        if layout.get("note"):
            notes.append(layout["note"])
    elif thresholds:
        unknown = set(thresholds) - set(THRESHOLD_KEYS)
        if unknown:
            raise SystemExit(f"{key}: threshold keys without mapping: {unknown}")
    typed = [T(k, v) for k, v in thresholds.items()] if not layout else list(layout.get("all", []))
    used = {"within_threshold": False}

    def conv(conds):
        out = []
        for c in conds or []:
            if c == "within_threshold":
                used["within_threshold"] = True
                out.extend(typed)
                continue
            if not isinstance(c, str):
                raise SystemExit(f"{key}: unexpected condition {c!r}")
            if c.startswith("other:"):
                text = c[len("other:"):]
                if text in OTHER_TO_TAG:
                    if text == "违法行为显著轻微":
                        notes.append(NOTE_SIGNIFICANTLY_MINOR)
                    out.append(OTHER_TO_TAG[text])
                else:
                    out.append({"custom": text})
                continue
            if c not in VOCAB_TAGS:
                raise SystemExit(f"{key}: unknown tag {c!r}")
            out.append(c)
        seen, uniq = set(), []
        for c in out:
            k = repr(c)
            if k not in seen:
                seen.add(k)
                uniq.append(c)
        return uniq

    all_ = conv(item.get("conditions"))
    any_of = [conv(b) for b in item.get("conditions_any_of") or []]
    if layout and layout.get("any_of"):
        any_of += [list(b) for b in layout["any_of"]]
    if thresholds and not used["within_threshold"]:
        raise SystemExit(f"{key}: thresholds without within_threshold")
    out = {"all": all_}
    if any_of:
        out["any_of"] = any_of
    return out


def item_flags(item, conditions) -> list[str]:
    flags = []
    if item["source_item_no"] is None:
        flags.append("source_item_no")
    for field in ("violated", "penalty_basis"):
        cits = item.get(field) or []
        if not cits:
            flags.append(field)
        elif any(c.get("article") is None for c in cits):
            flags.append(f"{field}.article")
    if any(c.get("article") is None for c in item.get("exemption_basis") or []):
        flags.append("exemption_basis.article")
    if UNSEEN_ALL in conditions["all"] or UNSEEN_REST in conditions["all"]:
        flags.append("conditions")
    return flags


def build(ref_dir: Path, lists_dir: Path):
    files, texts = read_reference(ref_dir)
    file_domain, domain_codes = domain_map(lists_dir / "domains.yaml")

    # -- sources (one source may be defined in several files: merge) -----------------------------
    sources: dict[str, dict] = OrderedDict()
    file_notes: dict[str, list[str]] = defaultdict(list)
    comments: dict[str, str] = {}
    order = sorted(files, key=lambda f: (f != "market.yaml", f))
    for fname in order:
        data = files[fname]
        cm = effective_comments(texts[fname])
        for src in data["sources"]:
            sid = src["id"]
            if sid in SKIP_SOURCES:
                continue
            if not ID_RE.match(sid):
                raise SystemExit(f"source id not ASCII lowercase: {sid}")
            if sid in cm:
                comments.setdefault(sid, cm[sid])
            if sid not in sources:
                sources[sid] = dict(src)
            else:
                merged = sources[sid]
                if len(src["title"]) > len(merged["title"]):
                    merged["title"] = src["title"]
                for k, v in src.items():
                    if merged.get(k) in (None, "", []) and v not in (None, "", []):
                        merged[k] = v
                urls = list(merged.get("other_urls") or [])
                urls += [u for u in src.get("other_urls") or [] if u not in urls]
                merged["other_urls"] = urls
            if sid in FILE_NOTES_NOT_FOR:
                continue
            if data.get("notes") and data["notes"] not in file_notes[sid]:
                file_notes[sid].append(data["notes"].strip())

    # -- items, grouped by source, in file order (market before drugs: see below) -----------------
    by_source: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for fname in order:
        for item in files[fname]["items"]:
            if item["source"] in SKIP_SOURCES:
                continue
            by_source[item["source"]].append((fname, item))

    written = []
    used_truncated = set()
    seen_keys: set[tuple[str, str]] = set()
    for sid, src in sources.items():
        entries = by_source.get(sid, [])
        if not entries:
            raise SystemExit(f"source without items: {sid}")
        # Items of one sub-list stay together, sub-lists in order of first appearance (the SAMR
        # drug item, kept in drugs.yaml, is item 8 of the first-offence sub-list).
        sub_order = {}
        for _, it in entries:
            sub_order.setdefault(it.get("list"), len(sub_order))
        entries.sort(key=lambda e: sub_order[e[1].get("list")])

        numbers = [(it.get("list"), it["source_item_no"]) for _, it in entries if it["source_item_no"] is not None]
        plain = [n for _, n in numbers]
        collide = len(plain) != len(set(plain))
        folder, level, jurisdiction, locality = folder_of(src)
        version = version_of(sid)
        published, effective_to, status, date_notes = dates_of(src, comments.get(sid))

        items = []
        x = 0
        for fname, it in entries:
            key = (sid, it["violation"])
            seen_keys.add(key)
            no = it["source_item_no"]
            if no is None:
                x += 1
                local = f"x{x:02d}"
            else:
                local = f"{int(no):02d}"
                if collide and it.get("list"):
                    local = f"{SUBLIST_PREFIX[it['list']]}-{local}"
            item_id = f"{sid}/{local}"
            if not ITEM_ID_RE.match(item_id):
                raise SystemExit(f"bad item id {item_id}")

            domain = DOMAIN_BY_CONDUCT.get(key) or file_domain[fname]
            if domain not in domain_codes:
                raise SystemExit(f"unknown domain {domain}")
            notes: list[str] = []
            flags: list[str] = []
            if key in DOMAIN_BY_CONDUCT:
                notes.append(
                    f"参考文件为 {fname},按违法行为性质归入 {domain} 领域。"
                )
            conditions = convert_conditions(it, key, notes, flags)
            if not conditions["all"] and not conditions.get("any_of"):
                conditions["all"].append(dict(UNSEEN_ALL))
            elif key in TRUNCATED_CONDITIONS:
                used_truncated.add(key)
                conditions["all"].append(dict(UNSEEN_REST))
            extra = EXTRA_CONDITIONS.get((sid, it.get("list")))
            if extra:
                conditions["all"].append(extra)
                flags.append("conditions")
                notes.append("来源两个分清单对同一违法行为列出相同情形而结果不同(从轻/减轻),区别未见;增设待核实的自定义条件以免冲突。")
            flags = item_flags(it, conditions) + flags

            out = OrderedDict()
            out["id"] = item_id
            out["domain"] = domain
            out["outcome"] = it["outcome"]
            out["violation"] = it["violation"]
            out["violated"] = citations(it.get("violated"))
            out["penalty_basis"] = citations(it.get("penalty_basis"))
            out["exemption_basis"] = citations(it.get("exemption_basis"))
            out["conditions"] = conditions
            measures = MEASURES.get(key) or MEASURES_BY_SOURCE.get(sid)
            if measures:
                out["measures"] = list(measures)
            prov = OrderedDict()
            prov["source_item_no"] = no
            if it.get("list"):
                prov["sub_list"] = it["list"]
            prov["confidence"] = it["confidence"]
            prov["reviewed"] = False
            prov["conditions_text"] = it.get("conditions_text")
            if notes:
                prov["note"] = "".join(notes)
            if flags:
                prov["flags"] = list(dict.fromkeys(flags))
            out["provenance"] = prov
            items.append(out)

        ids = [i["id"] for i in items]
        if len(ids) != len(set(ids)):
            raise SystemExit(f"duplicate item ids in {sid}: {ids}")

        doc_notes = []
        if src.get("note"):
            doc_notes.append(src["note"].strip())
        if comments.get(sid):
            doc_notes.append(f"参考资料日期备注: {comments[sid]}")
        if src.get("status"):
            doc_notes.append(f"参考资料状态: {src['status']}")
        doc_notes += date_notes
        if src.get("effective") is None:
            if published:
                doc_notes.append(
                    f"effective_from: 来源未载明生效日期,留空待核实;published_on 为发布日期{published.isoformat()},不等于生效日期。"
                )
            else:
                doc_notes.append("effective_from: 来源未载明生效日期,留空待核实。")
        doc_notes += file_notes.get(sid, [])

        doc = OrderedDict()
        doc["id"] = sid
        doc["version"] = version
        doc["title"] = src["title"]
        doc["issuer"] = src.get("issuer") or "发布机关页面未显示"
        doc["doc_no"] = src.get("doc_no")
        doc["jurisdiction"] = jurisdiction
        doc["locality"] = locality
        doc["level"] = level
        doc["effective_from"] = src.get("effective")
        doc["effective_to"] = effective_to
        if published:
            doc["published_on"] = published
        doc["status"] = status
        doc["url"] = src.get("url")
        if src.get("other_urls"):
            doc["other_urls"] = list(src["other_urls"])
        if src.get("definition_first_offense"):
            yicai = next((u for u in [src.get("url")] + list(src.get("other_urls") or []) if u and "yicai.com" in u), None)
            doc["first_offense"] = OrderedDict(
                window_years=2, counted_from=None, same_kind=True,
                text=src["definition_first_offense"], source_url=yicai,
            )
        doc["notes"] = "\n".join(doc_notes)
        doc["items"] = items

        path = lists_dir / folder / sid / f"{version}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SCHEMA_HEADER + dump(_plain(doc)), "utf-8")
        written.append((path, len(items)))
    for table, used in ((TRUNCATED_CONDITIONS, used_truncated),):
        if set(table) - used:
            raise SystemExit(f"override keys matching no item: {set(table) - used}")
    missing = [k for k in list(THRESHOLD_LAYOUT) + list(DOMAIN_BY_CONDUCT) + list(MEASURES) if k not in seen_keys]
    if missing:
        raise SystemExit(f"override keys matching no item: {missing}")
    return written


def _plain(obj):
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE,
                    help="shared/reference/lists directory (default: ../shared/reference/lists)")
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "lists", help="lists directory")
    args = ap.parse_args(argv)
    if not args.reference.is_dir():
        print(f"reference directory not found: {args.reference}", file=sys.stderr)
        return 2
    written = build(args.reference, args.out)
    total = sum(n for _, n in written)
    for path, n in written:
        print(f"{n:3d}  {path.relative_to(args.out.parent) if args.out.parent in path.parents else path}")
    print(f"{len(written)} documents, {total} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
