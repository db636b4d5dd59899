"""Request and response models of the HTTP API (pydantic at every boundary)."""

import builtins
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.model.citation import Citation
from penalty_rules.model.decision import (
    AnswerOption, AnswerType, BasisEntry, CandidateItem, Declined, Leniency, MissingFact, Trace,
)
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.registry import Domain, Jurisdiction

# Request examples, taken from real list items (national tax first-offence list, 2021).
EVALUATE_EXAMPLES = {
    "tax_first_offense": {
        "summary": "税务首违不罚: 未按期申报(cn-tax-2021-6/03), 事实齐全",
        "value": {
            "item_id": "cn-tax-2021-6/03",
            "act_date": "2023-03-20",
            "decision_date": "2023-04-10",
            "first_offense": True,
            "harm": "minor",
            "corrected": "within_deadline",
        },
    },
    "tax_incomplete": {
        "summary": "现场只知道条目编号: 返回需要补问的事实",
        "value": {"item_id": "cn-tax-2021-6/03"},
    },
    "conduct_search": {
        "summary": "只有违法行为描述: 检索条目",
        "value": {"conduct": "未按照规定期限办理纳税申报", "domain": "tax", "harm": "none"},
    },
}


class ErrorDetail(BaseModel):
    field: str = Field(description="出错字段的路径, 如 age 或 cases[3].act_date")
    code: str = Field(description="英文错误代码")
    message_zh: str = Field(description="中文说明")


class ErrorBody(BaseModel):
    code: str
    message_zh: str
    details: list[ErrorDetail] = Field(default_factory=list)
    close_matches: list[str] | None = None
    limit: int | None = None
    details_omitted: int | None = Field(
        default=None, description="details 至多列出前 50 处错误; 未列出的错误数(message_zh 中另有说明)")


class ErrorResponse(BaseModel):
    error: ErrorBody


# ------------------------------------------------------------------------------- evaluate
class EvaluateResponse(BaseModel):
    """The compact decision; `?detail=full` adds `trace` and `items`."""

    decision_id: str = Field(description="审计记录编号(uuid4)")
    recorded_at: str = Field(description="记录时间(UTC, ISO 8601)")
    case_ref: str | None = Field(default=None, description="办案编号(评估时给出的 case_ref, 随审计记录保存)")
    outcome: Literal[
        "no_penalty", "discretionary_no_penalty", "reduced_penalty", "lighter_penalty", "normal", "undetermined"
    ]
    outcome_zh: str
    possible_outcomes: list[str]
    leniency: Leniency | None = Field(default=None, description="所适用规则的法定后果: 幅度、应当/可以、法律原文措辞")
    if_declined: Declined | None = Field(
        default=None, description="结果为“可以”时, 执法机关裁量不予适用而决定处罚时应当适用的法定规则(依据、幅度、措施)")
    chosen_item: str | None
    chosen_rule: str | None = Field(default=None, description="决定结果的条目或法定规则编号")
    decided_by: str | None = Field(
        default=None,
        description="作出本结论的版本(rulesets 中的一个键): 决定所依条目的清单版本; 没有清单条目决定时, 决定结果的法定规则所在的法律文本版本"
                    "(如 xzcf@2021)或单行法规则表的版本(如 special-laws@4); 没有规则决定结果(尚不能确定, 或依法处罚而没有从宽规则成立)时为 null")
    basis: list[BasisEntry]
    measures: list[str]
    missing_facts: list[MissingFact] = Field(description="需要补问的事实, 按提问顺序(见 next_question)")
    next_question: MissingFact | None = Field(
        default=None, description="下一个应问的问题(= missing_facts[0], 其答案能排除最多的可能结果); 结果已确定时为 null")
    warnings: list[str]
    summary: str
    ruleset_version: str
    trace: Trace | None = None
    items: list[CandidateItem] | None = None


class BatchRequest(BaseModel):
    """Documents the batch body; the service reads it strictly (service.app) and validates each case
    on its own, so one bad case is reported at its index without failing the others."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"cases": [EVALUATE_EXAMPLES["tax_first_offense"]["value"], EVALUATE_EXAMPLES["tax_incomplete"]["value"]]}
            ]
        },
    )
    cases: list[CaseFacts] = Field(
        max_length=1000,
        description="至多 1000 个案件事实(CaseFacts; detail=full 时至多 200 个); 每个案件单独校验, 单独报错")
    case_refs: list[str | None] | None = Field(
        default=None, description="可选: 与 cases 等长的办案编号数组(元素可为 null), 随各案件的审计记录保存")


class BatchResult(BaseModel):
    index: int
    ok: bool
    decision: EvaluateResponse | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    batch_id: str
    count: int
    ok_count: int
    error_count: int
    results: list[BatchResult]


# ------------------------------------------------------------------------------- items
class SearchHit(BaseModel):
    id: str
    list: str
    version: str
    jurisdiction: str | None
    binding: bool
    domain: str
    outcome: str
    violation: str
    score: float


class SearchResponse(BaseModel):
    query: str
    count: int
    hits: list[SearchHit]


class RankedItem(BaseModel):
    id: str
    violation: str = Field(description="违法行为(条目原文)")
    list: str = Field(description="清单编号")
    list_title: str
    version: str
    jurisdiction: str | None = Field(description="清单的行政区划; 外地清单(类比参考)为 null")
    binding: bool = Field(description="对本案辖区有约束力(true); 外地清单类比参考为 false")
    domain: str
    outcome: str
    score: float = Field(description="BM25 得分")


class RankedSearchResponse(BaseModel):
    """GET /v1/search: 本案辖区有约束力的条目在前, 外地类比参考在后, 各按得分排序。"""

    query: str
    jurisdiction: str
    count: int
    hits: list[RankedItem]


class ItemVersion(BaseModel):
    list: str
    version: str
    key: str
    status: str
    level: str
    jurisdiction: str | None
    locality: str
    binding: bool = Field(description="该清单版本对聊城案件是否有约束力(本地层级且非草案)")
    in_force: bool = Field(description="在 as_of(缺省今天)是否施行")
    effective_from: date | None
    effective_to: date | None
    hash: str


class CitedArticle(BaseModel):
    role: Literal["violated", "penalty", "exemption"]
    citation: Citation
    label: str
    text: str | None = Field(default=None, description="条文原文(配置了法规文本时)")


class ItemResponse(BaseModel):
    id: str
    list: str = Field(description="最新版本所在的清单版本键")
    list_version: str
    binding: bool
    in_force: bool
    domain_zh: str | None
    outcome_zh: str
    item: Item
    versions: builtins.list[ItemVersion]
    citations: builtins.list[CitedArticle]
    statutes_configured: bool


class Question(BaseModel):
    order: int
    fact: str
    question: str
    group: Literal["all", "any_of", "history", "other"]
    bundle: int | None = None
    # how to answer it: as the question objects of POST /v1/evaluate (MissingFact)
    answer_type: AnswerType = Field(default="text", description=MissingFact.model_fields["answer_type"].description)
    options: list[AnswerOption] = Field(default_factory=list, description=MissingFact.model_fields["options"].description)
    answer_fact: str | None = Field(default=None, description=MissingFact.model_fields["answer_fact"].description)
    unit: str | None = Field(default=None, description=MissingFact.model_fields["unit"].description)


class QuestionsResponse(BaseModel):
    item_id: str
    list: str
    as_of: date
    questions: builtins.list[Question]


class DomainsResponse(BaseModel):
    domains: list[Domain]
    jurisdictions: list[Jurisdiction]


class ListVersionSummary(BaseModel):
    key: str
    version: str
    status: str
    effective_from: date | None
    effective_to: date | None
    published_on: date | None
    in_force_today: bool
    items: int
    hash: str


class ListSummary(BaseModel):
    id: str
    title: str
    issuer: str
    level: str
    jurisdiction: str | None
    locality: str
    versions: list[ListVersionSummary]


class ListsResponse(BaseModel):
    count: int
    lists: list[ListSummary]


class ListVersionResponse(BaseModel):
    key: str
    hash: str
    binding: bool
    in_force_today: bool
    ends: date | None = Field(description="施行截止(不含), 自身截止日或下一版本生效日")
    document: ListDocument


# ------------------------------------------------------------------------------- decisions
class DecisionRecordOut(BaseModel):
    id: str
    created_at: str
    kind: str
    batch_id: str | None
    batch_index: int | None
    requested_item: str | None
    chosen_item: str | None
    outcome: str
    items: list[str]
    basis: list[str]
    facts: dict[str, Any]
    rulesets: dict[str, str]
    ruleset_version: str
    engine_version: str
    trace_version: str
    decision_date: str
    api_key: str | None
    case_ref: str | None = Field(default=None, description="办案编号(评估时给出时)")
    decided_by: str | None = Field(
        default=None,
        description="作出本结论的版本(rulesets 中的一个键): 决定所依条目的清单版本; 没有清单条目决定时, 决定结果的法定规则所在的法律文本版本"
                    "(如 xzcf@2021)或单行法规则表的版本(如 special-laws@4); 没有规则决定结果(尚不能确定, 或依法处罚而没有从宽规则成立)时为 null"
                    "; 迁移 0007 以前的记录见 decided_by_source")
    decided_by_source: Literal["engine", "migration", "unknown"] | None = Field(
        default=None,
        description="decided_by 的来源: engine 为作出决定时记录; migration 为迁移 0007 从此前的记录(适用条目、结果、rulesets)"
                    "确定地推出; unknown 为此前的记录不能确定由哪个版本决定(decided_by 为 null, 不是“没有规则决定”)")


class DecisionsPage(BaseModel):
    total: int
    limit: int
    offset: int
    decisions: list[DecisionRecordOut]


class ReplaySide(BaseModel):
    outcome: str
    possible_outcomes: list[str] = Field(description="尚不能确定时可能的结果")
    chosen_item: str | None
    decided_by: str | None = Field(default=None, description="作出本结论的版本(见 DecisionRecordOut.decided_by)")
    decided_by_known: bool = Field(
        default=True, description="原记录是否记有或能确定作出结论的版本(迁移 0007 以前的记录可能不能确定: 为 false, decided_by 为 null)")
    missing_facts: list[str] = Field(description="需要补问的事实")
    basis: list[str]
    rulesets: dict[str, str] = Field(description="作出本结论所依据的版本 → 内容哈希(决定所依条目的清单版本在前; 不含草案、外地清单和未施行的版本)")
    ruleset_version: str
    decision_date: str


class ReplayChanges(BaseModel):
    any: bool = Field(description="结果、可能结果、适用条目、待补事实或依据有任一变化")
    outcome: bool
    possible_outcomes: bool
    chosen_item: bool
    decided_by: bool | None = Field(
        default=None, description="作出结论的版本有变化(原记录不能确定作出结论的版本时为 null)")
    missing_facts_added: list[str]
    missing_facts_removed: list[str]
    basis_added: list[str]
    basis_removed: list[str]
    rulesets_changed: list[str] = Field(description="重放所用而与记录不同(内容哈希不同或记录中没有)的版本")


class ReplayResponse(BaseModel):
    decision_id: str
    as_of: date = Field(description="重放所用的决定日期")
    list_version: str | None = Field(default=None, description="指定的清单版本 <id>@<version>(若有)")
    original: ReplaySide
    replayed: ReplaySide
    changed: ReplayChanges
    summary: str
    warnings: list[str]


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    ruleset_version: str
    engine_version: str
    documents: int
    items: int
    audit: str
    audit_mode: str
    matcher: str
    statutes: bool
    audit_commits: int | None = Field(default=None, description="审计写入线程已提交的事务数(仅 admin 密钥可见)")
    audit_rows: int | None = Field(default=None, description="已提交的审计记录数(本进程; 仅 admin 密钥可见)")
