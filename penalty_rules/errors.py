"""Error classes; each names what failed and where."""

from dataclasses import dataclass, field


class PenaltyRulesError(Exception):
    """Base class of every error the package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One finding of the loader or the lint, located in a file."""

    code: str  # English, stable: yaml_syntax, duplicate_key, schema, unknown_condition, ...
    message: str  # Chinese, for the reader
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None  # field path inside the document, e.g. items[3].conditions.all[0]
    severity: str = "error"  # error | warning

    def location(self) -> str:
        where = self.file or "<lists>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        path = f" [{self.path}]" if self.path else ""
        return f"{self.location()}: {self.severity}: {self.code}{path}: {self.message}"


@dataclass
class CorpusInvalid(PenaltyRulesError):
    """The lists could not be loaded: at least one version has errors."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"清单校验失败: {len(errors)} 个错误"
        return head + "\n" + "\n".join(str(p) for p in errors[:50])


class UnknownItem(PenaltyRulesError):
    def __init__(self, item_id: str, close_matches: list[str] | None = None):
        self.item_id = item_id
        self.close_matches = close_matches or []
        super().__init__(f"未找到清单条目 {item_id}")


class UnknownListVersion(PenaltyRulesError):
    def __init__(self, key: str):
        self.key = key
        super().__init__(f"未找到清单版本 {key}")


class StatutesUnavailable(PenaltyRulesError):
    def __init__(self, path: str):
        self.path = path
        super().__init__(f"法规文本目录不存在: {path}")


class InvalidFacts(PenaltyRulesError):
    """Facts that pass the schema but not the corpus (unknown domain, jurisdiction …)."""

    def __init__(self, field: str, code: str, message: str):
        self.field = field
        self.code = code
        self.message = message
        super().__init__(f"{field}: {message}")


class DurableRulesError(PenaltyRulesError):
    """durable-rules failed (compiling, loading or matching); the reference evaluator still decides."""

    def __init__(self, what: str, detail: str, ruleset: str | None = None):
        self.what = what
        self.detail = detail
        self.ruleset = ruleset
        where = f"(规则集 {ruleset})" if ruleset else ""
        super().__init__(f"durable-rules 规则引擎{what}失败{where}: {detail}")
