"""Request and result of drafting a decision document (不予行政处罚决定书 / 从轻减轻 section).

What the officer fills in (party, evidence, facts found, deadlines, agency) arrives in the request
and goes into the document only: it is never stored in the audit log and never logged."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from penalty_rules.model.facts import CaseDate


def _printable(value: str) -> str:
    """Text that can go into a DOCX/HTML document: no control characters (line breaks and tabs
    aside), no lone surrogates, no non-characters."""
    for ch in value:
        code = ord(ch)
        if (code < 0x20 and ch not in "\n\t") or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF \
                or code in (0xFFFE, 0xFFFF):
            raise ValueError("不得含控制字符或无效字符")
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("不得含换行或制表符")
    return value


Text = Annotated[str, AfterValidator(_printable)]  # paragraphs: line breaks allowed
Line = Annotated[str, AfterValidator(_printable), AfterValidator(_one_line)]  # names, numbers, addresses
DocDate = CaseDate  # YYYY-MM-DD only, MIN_DATE..MAX_DATE (penalty_rules.model.facts)

DocumentFormat = Literal["docx", "pdf"]
DocumentKind = Literal["auto", "no_penalty", "leniency_section"]
DraftKind = Literal["no_penalty", "leniency_section"]


class Party(BaseModel):
    """当事人信息: 由执法人员在请求中填写, 只写入文书, 不写入审计记录和日志。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Literal["individual", "individual_business", "entity"] | None = Field(
        default=None, description="individual 自然人 / individual_business 个体工商户 / entity 法人或其他组织")
    name: Line | None = Field(default=None, min_length=1, max_length=200, description="姓名或名称")
    trade_name: Line | None = Field(default=None, min_length=1, max_length=200, description="个体工商户字号")
    id_type: Line | None = Field(default=None, min_length=1, max_length=60,
                                description="证件名称, 如 居民身份证、营业执照")
    id_number: Line | None = Field(default=None, min_length=1, max_length=60,
                                  description="证件号码(公民身份号码或统一社会信用代码)")
    address: Line | None = Field(default=None, min_length=1, max_length=300, description="住所或住址")
    legal_representative: Line | None = Field(default=None, min_length=1, max_length=100,
                                             description="法定代表人(负责人)")
    phone: Line | None = Field(default=None, min_length=1, max_length=40, description="联系电话")


class DocumentRequest(BaseModel):
    """起草文书的请求。除 format、kind 外均为执法人员填写的内容, 缺少的在文书中留空并列入 flags。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    format: DocumentFormat = Field(default="docx", description="docx 或 pdf")
    kind: DocumentKind = Field(
        default="auto",
        description="auto: 按决定结果; no_penalty: 不予行政处罚决定书; leniency_section: 行政处罚决定书中的从轻/减轻部分")
    discretion_no_penalty: bool = Field(
        default=False,
        description="结果为可以不予处罚时, 执法机关已决定不予处罚(true 才能起草不予行政处罚决定书)")
    leniency_choice: Literal["lighter_penalty", "reduced_penalty"] | None = Field(
        default=None, description="从轻或者减轻时执法机关在法定幅度内的选择(lighter_penalty 从轻 / reduced_penalty 减轻); "
                                  "法定幅度有两种而缺省的, 文书中的决定留空并提示")
    on_the_spot: bool | None = Field(
        default=None, description="本处罚决定是否当场作出(简易程序): true 时按行政复议法(2023)第二十三条写明应当先申请行政复议; "
                                  "缺省为未知, 从轻、减轻部分中提示核对")
    party: Party | None = None
    case_ref: Line | None = Field(default=None, min_length=1, max_length=64, description="办案编号")
    document_no: Line | None = Field(default=None, min_length=1, max_length=100, description="文号, 如 聊市监不罚〔2026〕3号")
    agency_name: Line | None = Field(default=None, min_length=1, max_length=100, description="作出决定的行政机关全称")
    procedure: Text | None = Field(default=None, min_length=1, max_length=1000,
                                  description="立案调查经过(如 当事人涉嫌…一案, 本机关于…立案调查)")
    facts_found: Text | None = Field(default=None, min_length=1, max_length=5000,
                                    description="经查明的事实(时间、地点、行为、改正情况); 缺省由决定的事实生成")
    evidence: list[Annotated[Text, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50, description="证据, 每项一条")
    education: Text | None = Field(default=None, min_length=1, max_length=2000, description="教育的方式和内容")
    correction_deadline: DocDate | None = Field(default=None, description="责令改正的期限 YYYY-MM-DD")
    correction_order_no: Line | None = Field(default=None, min_length=1, max_length=100,
                                            description="责令改正通知书文号")
    decision_date: DocDate | None = Field(
        default=None, description="文书日期; 缺省为决定记录的决定日期; 不得早于决定日期, 晚于决定日期的(接口中)按文书日期重新评估")
    review_body: Line | None = Field(default=None, min_length=1, max_length=100,
                                    description="行政复议机关(如 聊城市人民政府)")
    court: Line | None = Field(default=None, min_length=1, max_length=100, description="管辖的人民法院")


class Flag(BaseModel):
    """文书中须由执法人员补充或核对的内容。"""

    model_config = ConfigDict(extra="forbid")
    code: str
    field: str | None = None
    message_zh: str


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    heading: str | None = None
    paragraphs: list[str] = Field(default_factory=list)


class CitedText(BaseModel):
    """A cited provision with the text read from the statute folder (never stored in the project)."""

    model_config = ConfigDict(extra="forbid")
    role: str
    label: str
    version: str | None = None
    text: str | None = None


class RemedyLimit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    remedy: Literal["administrative_review", "litigation"]
    law: str
    version: str | None = Field(default=None, description="所读法律文本的版本日期")
    article: str | None = Field(default=None, description="规定期限的条文, 如 第二十条第一款")
    limit: str | None = Field(default=None, description="期限原文, 如 六十日; 未找到为 null")
    text: str | None = None


class DraftDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: DraftKind
    title: str
    agency_name: str | None
    document_no: str | None
    case_ref: str | None
    decision_id: str | None
    outcome: str
    outcome_zh: str
    decision_date: date | None
    sections: list[Section]
    citations: list[CitedText] = Field(default_factory=list, description="所引法律条文原文(附)")
    remedies: list[RemedyLimit] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def plain_text(self) -> str:
        lines = [self.agency_name or "", self.title]
        for s in self.sections:
            if s.heading:
                lines.append(s.heading)
            lines.extend(s.paragraphs)
        for c in self.citations:
            lines.append(f"{c.label} {c.text or ''}")
        return "\n".join(lines)


class DocumentNotApplicable(Exception):
    """The decision does not call for the requested document (HTTP 409)."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field
