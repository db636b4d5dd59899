"""Import errors: an English code, a Chinese message, and where (row / column) when known."""

from dataclasses import dataclass

from penalty_rules.errors import PenaltyRulesError


@dataclass
class TableImportError(PenaltyRulesError):
    code: str  # empty_file, no_header, unknown_columns, duplicate_number, unreadable_outcome, encrypted, corrupt …
    message: str  # Chinese
    row: int | None = None  # 1-based row of the table as the reader sees it
    column: str | None = None  # the column's header text (or letter)

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return "".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{self.code}: {where + ': ' if where else ''}{self.message}"


