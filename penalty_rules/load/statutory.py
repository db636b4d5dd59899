"""lists/statutory/ → StatutoryCorpus: the law versions of 行政处罚法 and the special-law table,
parsed like list files (file:line on errors) and hashed into versions.lock like them."""

import json
import hashlib
from pathlib import Path

from pydantic import TypeAdapter

from penalty_rules.errors import Problem
from penalty_rules.model.statutory import LawVersion, SpecialLaws, StatutoryCorpus

STATUTORY_DIR = "statutory"


def statutory_hash(doc: LawVersion | SpecialLaws) -> str:
    data = doc.model_dump(mode="json", exclude_defaults=True)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Either:
    """Validates a statutory file as one of the two kinds, chosen by its `kind` field."""

    _adapter = TypeAdapter(LawVersion | SpecialLaws)

    @classmethod
    def model_validate(cls, data):
        kind = data.get("kind") if isinstance(data, dict) else None
        model = {"law_version": LawVersion, "special_laws": SpecialLaws}.get(kind)
        if model is None:
            return cls._adapter.validate_python(data)
        return model.model_validate(data)


def statutory_files(root: Path) -> list[Path]:
    folder = Path(root) / STATUTORY_DIR
    return sorted(p for p in folder.glob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []


def load_statutory(root: Path, parse, rel) -> tuple[StatutoryCorpus | None, dict[str, str], dict[str, str], list[Problem]]:
    """(corpus, hashes, files, problems); `parse` and `rel` are the list loader's helpers."""
    folder = Path(root) / STATUTORY_DIR
    problems: list[Problem] = []
    versions: list[LawVersion] = []
    special: SpecialLaws | None = None
    hashes: dict[str, str] = {}
    files: dict[str, str] = {}
    if not folder.is_dir():
        return None, hashes, files, [Problem("missing_statutory", f"缺少法定规则目录 {folder}")]
    for path in statutory_files(root):
        doc, _marks, found = parse(path, root, _Either)
        problems += found
        if doc is None:
            continue
        if doc.key in files:
            problems.append(Problem("duplicate_version", f"法定规则版本 {doc.key} 已在 {files[doc.key]} 中定义",
                                    rel(path, root), 1, 1))
            continue
        if isinstance(doc, SpecialLaws):
            if special is not None:
                problems.append(Problem("duplicate_special_laws", "只能有一个单行法另有规定表", rel(path, root), 1, 1))
                continue
            special = doc
        else:
            versions.append(doc)
        hashes[doc.key] = statutory_hash(doc)
        files[doc.key] = rel(path, root)
    versions.sort(key=lambda v: (v.in_force_from is not None, v.in_force_from))
    for earlier, later in zip(versions, versions[1:]):
        if earlier.id == later.id and earlier.in_force_to != later.in_force_from:
            problems.append(Problem(
                "statutory_gap",
                f"{earlier.key} 的 in_force_to ({earlier.in_force_to}) 须等于 {later.key} 的 in_force_from "
                f"({later.in_force_from}): 法律版本之间不能有空档或重叠",
                files[later.key], 1, 1,
            ))
    if not versions:
        problems.append(Problem("missing_statutory", f"{folder} 中没有法律版本文件"))
    return StatutoryCorpus(versions=versions, special=special), hashes, files, problems


def bundled_statutory() -> StatutoryCorpus:
    """The statutory rules of the configured lists folder, for corpora built in code (tests,
    benchmarks) that carry none of their own."""
    from penalty_rules.config import Settings
    from penalty_rules.errors import CorpusInvalid
    from penalty_rules.load.loader import _parse, _rel

    root = Settings.from_env().lists_dir
    corpus, _, _, problems = load_statutory(root, _parse, _rel)
    if corpus is None or any(p.severity == "error" for p in problems):
        raise CorpusInvalid(problems)
    return corpus
