"""Decision documents: 不予行政处罚决定书 and the 从轻/减轻 section of a penalty decision, as
DOCX (python-docx) and PDF (HTML template → headless Chromium)."""

from penalty_rules.documents.build import DecisionSource, build_document, decision_from_json, resolve_kind
from penalty_rules.documents.model import DocumentNotApplicable, DocumentRequest, DraftDocument, Party

__all__ = ["DecisionSource", "DocumentNotApplicable", "DocumentRequest", "DraftDocument", "Party",
           "build_document", "decision_from_json", "resolve_kind"]
