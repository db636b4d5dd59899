"""lists/ → Corpus. Every file is parsed safely and validated; a version with any error is
left out whole and reported with file:line:column, field path and message.

List files end in .yaml or .yml (both are loaded). Limits: a file over MAX_FILE_BYTES (1 MiB) is
refused unread; a folder whose YAML files total more than MAX_TOTAL_BYTES (64 MiB) is refused
whole; a file (or folder) that resolves outside the lists folder is refused."""

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from penalty_rules.errors import CorpusInvalid, Problem
from penalty_rules.load.hashing import content_hash
from penalty_rules.load.statutory import STATUTORY_DIR, load_statutory
from penalty_rules.load.yaml_source import (  # MAX_FILE_BYTES: re-exported next to MAX_TOTAL_BYTES
    MAX_FILE_BYTES, Marks, YamlProblem, format_loc, mark_for, read_yaml, size_label,  # noqa: F401
)
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.manifest import Manifest
from penalty_rules.model.registry import Registry
from penalty_rules.model.vocabulary import VOCABULARY

REGISTRY_FILE = "domains.yaml"
MANIFEST_DIR = "manifests"
YAML_SUFFIXES = (".yaml", ".yml")
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # all YAML files of a lists folder together (bundled: ~0.7 MB)


@dataclass
class LoadResult:
    corpus: Corpus
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _unknown_tag_loc(data, loc: tuple) -> tuple:
    """The location of the first unknown tag inside the Conditions at `loc` (else `loc`)."""
    node = data
    try:
        for part in loc:
            node = node[part]
    except (KeyError, IndexError, TypeError):
        return loc
    if not isinstance(node, dict):
        return loc
    candidates = [("all", i) for i in range(len(node.get("all") or []))]
    for b, bundle in enumerate(node.get("any_of") or []):
        candidates += [("any_of", b, i) for i in range(len(bundle or []))]
    for sub in candidates:
        value = node
        for part in sub:
            value = value[part]
        if isinstance(value, str) and value not in VOCABULARY.conditions:
            return loc + sub
    return loc


def _branch(segment) -> str | None:
    """The member of the condition union (str | Threshold | Custom) a pydantic loc segment names."""
    if not isinstance(segment, str):
        return None
    if segment == "str":
        return "str"
    if segment == "Custom":
        return "Custom"
    if "Threshold" in segment and (segment == "Threshold" or segment.startswith("function-")):
        return "Threshold"
    return None


def _at(data, loc: tuple):
    node = data
    for part in loc:
        node = node[part]
    return node


def _union_errors(errors: list[dict], data) -> list[dict]:
    """Keep only the errors of the union member a condition was written as (a string is a tag, a
    mapping with `custom` a Custom, any other mapping a Threshold) and drop the member name from
    the location: one error per mistake, at the condition's position."""
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        k = next((i for i, part in enumerate(loc) if _branch(part)), None)
        if k is None:
            out.append(err)
            continue
        try:
            value = _at(data, loc[:k])
        except (KeyError, IndexError, TypeError):
            value = None
        if isinstance(value, str):
            wanted = "str"
        elif isinstance(value, dict):
            wanted = "Custom" if "custom" in value else "Threshold"
        else:
            wanted = None
        if wanted is not None and _branch(loc[k]) != wanted:
            continue
        out.append(dict(err, loc=loc[:k] + loc[k + 1:]))
    return out


def _schema_problems(exc: ValidationError, marks: Marks, file: str, data=None) -> list[Problem]:
    out = []
    for err in _union_errors(exc.errors(), data):
        loc = tuple(err["loc"])
        if "未知的条件标签" in err["msg"]:
            loc = _unknown_tag_loc(data, loc)
        line, col = mark_for(marks, loc)
        code = {"extra_forbidden": "unknown_field", "missing": "missing_field"}.get(
            err["type"], "schema"
        )
        msg = err["msg"]
        if code == "unknown_field":
            msg = f"未知字段 {loc[-1]!r}"
        elif code == "missing_field":
            msg = f"缺少必填字段 {loc[-1]!r}"
        elif "未知的条件标签" in msg:
            code = "unknown_condition"
        msg = msg.removeprefix("Value error, ")
        out.append(Problem(code, msg, file, line, col, format_loc(loc)))
    return out


def _parse(path: Path, root: Path, model):
    """Read one YAML file into `model`; return (obj | None, marks, problems)."""
    rel = _rel(path, root)
    try:
        data, marks = read_yaml(path, root)
    except YamlProblem as p:
        return None, {}, [Problem(p.code, p.message, rel, p.line, p.column, p.path)]
    if not isinstance(data, dict):
        return None, marks, [Problem("schema", "文件顶层必须是映射(mapping)", rel, 1, 1)]
    try:
        return model.model_validate(data), marks, []
    except ValidationError as exc:
        return None, marks, _schema_problems(exc, marks, rel, data)


def _yaml_files(folder: Path, recursive: bool = False) -> list[Path]:
    """.yaml and .yml files (symlinks included: the reader refuses those leading outside)."""
    found = folder.rglob("*") if recursive else folder.glob("*")
    return sorted(p for p in found if p.suffix in YAML_SUFFIXES and (p.is_symlink() or not p.is_dir()))


def is_document_path(rel: str) -> bool:
    """Whether a file at this path (POSIX, relative to the lists folder) is a list version: a YAML
    file, not the registry, outside manifests/ and statutory/ (also the git history's reading)."""
    parts = rel.split("/")
    return (rel.endswith(YAML_SUFFIXES) and parts[-1] != REGISTRY_FILE
            and not {MANIFEST_DIR, STATUTORY_DIR} & set(parts))


def document_files(root: Path) -> list[Path]:
    return [p for p in _yaml_files(Path(root), recursive=True) if is_document_path(p.relative_to(root).as_posix())]


def manifest_files(root: Path) -> list[Path]:
    return _yaml_files(Path(root) / MANIFEST_DIR)


def _check_total_size(root: Path) -> None:
    """Refuse the whole folder when its YAML files (and the lock) add up to more than
    MAX_TOTAL_BYTES, before reading any of them."""
    from penalty_rules.load.lockfile import LOCK_NAME
    from penalty_rules.load.statutory import statutory_files

    paths = [root / REGISTRY_FILE, root / LOCK_NAME, *document_files(root), *manifest_files(root),
             *statutory_files(root)]
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            continue
    if total > MAX_TOTAL_BYTES:
        raise CorpusInvalid([Problem(
            "lists_too_large",
            f"清单目录 {root.name} 中的文件共 {total} 字节, 超过上限 {size_label(MAX_TOTAL_BYTES)}, 未读取"
            "(见 README 清单一节)",
            _rel(root, root),
        )])


def _referential(doc: ListDocument, registry: Registry, marks: Marks, rel: str) -> list[Problem]:
    problems = []
    domains = registry.domain_codes()
    if doc.jurisdiction not in (None, "CN") and registry.jurisdiction(doc.jurisdiction) is None:
        line, col = mark_for(marks, ("jurisdiction",))
        problems.append(
            Problem("unknown_jurisdiction", f"未知的行政区划代码 {doc.jurisdiction}", rel, line, col, "jurisdiction")
        )
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.items):
        if item.domain not in domains:
            line, col = mark_for(marks, ("items", i, "domain"))
            problems.append(
                Problem("unknown_domain", f"未知的执法领域代码 {item.domain!r}", rel, line, col, f"items[{i}].domain")
            )
        if item.id in seen:
            line, col = mark_for(marks, ("items", i, "id"))
            problems.append(
                Problem(
                    "duplicate_item_id",
                    f"条目编号 {item.id} 重复(首次见于 items[{seen[item.id]}])",
                    rel, line, col, f"items[{i}].id",
                )
            )
        seen.setdefault(item.id, i)
    return problems


def load_registry(root: Path) -> Registry | None:
    """The domain and jurisdiction registry alone (domains.yaml under `root`); None when missing or invalid
    (load_corpus says why)."""
    path = Path(root) / REGISTRY_FILE
    if not path.is_file():
        return None
    return _parse(path, Path(root), Registry)[0]


def load_corpus(root: Path) -> LoadResult:
    """Load every list version under `root`. Invalid versions are excluded and reported."""
    root = Path(root)
    registry_path = root / REGISTRY_FILE
    if not registry_path.exists() and not registry_path.is_symlink():
        raise CorpusInvalid([Problem(
            "missing_registry", f"缺少 {REGISTRY_FILE}(清单目录 {root} 不存在或不完整)", _rel(registry_path, root),
        )])
    _check_total_size(root)
    problems: list[Problem] = []
    registry, _, reg_problems = _parse(registry_path, root, Registry)
    problems += reg_problems
    if registry is None:
        raise CorpusInvalid(problems or [Problem("missing_registry", f"缺少 {REGISTRY_FILE}")])

    documents: list[ListDocument] = []
    hashes: dict[str, str] = {}
    files: dict[str, str] = {}
    for path in document_files(root):
        rel = _rel(path, root)
        doc, marks, found = _parse(path, root, ListDocument)
        if doc is not None:
            found += _referential(doc, registry, marks, rel)
            if doc.key in files:
                found.append(
                    Problem("duplicate_version", f"清单版本 {doc.key} 已在 {files[doc.key]} 中定义", rel, 1, 1)
                )
        problems += found
        if doc is None or any(p.severity == "error" for p in found):
            continue  # rejected whole
        documents.append(doc)
        hashes[doc.key] = content_hash(doc)
        files[doc.key] = rel

    manifests = []
    for path in manifest_files(root):
        manifest, _, found = _parse(path, root, Manifest)
        problems += found
        if manifest is not None:
            manifests.append(manifest)

    statutory, law_hashes, law_files, found = load_statutory(root, _parse, _rel)
    problems += found
    for key, digest in law_hashes.items():
        if key in hashes:
            problems.append(Problem("duplicate_version", f"法定规则版本 {key} 与清单版本同名", law_files[key], 1, 1))
    hashes.update(law_hashes)
    files.update(law_files)

    corpus = Corpus(
        registry=registry, documents=documents, hashes=hashes, manifests=manifests, files=files,
        statutory=statutory,
    )
    return LoadResult(corpus, problems)


def load_corpus_strict(root: Path) -> Corpus:
    """Load, run the corpus checks (conflicts, version lock) and refuse any error (used by the
    engine and the service at start-up)."""
    from penalty_rules.lint.corpus import corpus_checks  # lint builds on load

    result = load_corpus(root)
    result.problems.extend(corpus_checks(result.corpus, Path(root)))
    if result.errors:
        raise CorpusInvalid(result.problems)
    return result.corpus
