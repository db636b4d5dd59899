"""Publishing a reviewed draft in the lists folder: `status: in_force` and the effective dates are
written into the version's YAML file (a line edit: comments and layout stay), then its content
hash is recorded in versions.lock. From then on the version is published: its file may not change
and its lock entry may not go (both are load errors, see penalty_rules.load.lockfile).

plan() checks everything that can be checked before anything is written (the caller records the
approval between plan() and write()); write() edits, reloads, verifies the hash and rolls both
files back if the result does not load cleanly. Both files are replaced atomically (mkstemp in the
same folder, fsync, os.replace: penalty_rules.load.atomic), and a whole publication step runs
under publish_lock() — fcntl.flock on lists/.publish.lock — so two processes (service workers, the
CLI) never interleave their reads and writes of the same folder.

Reading the lists for the review status (find_version) is cached per folder, keyed by the
(path, mtime_ns, ctime_ns, size, inode) of every file the loader reads: an unchanged folder is not
parsed again; any change (a new, removed or rewritten file) reloads it. Publishing reads fresh.
"""

import fcntl
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from penalty_rules.errors import CorpusInvalid, PenaltyRulesError, Problem
from penalty_rules.load.hashing import content_hash
from penalty_rules.load.loader import load_corpus
from penalty_rules.load.atomic import atomic_write_text
from penalty_rules.load.lockfile import LOCK_NAME, PUBLISHED_FROZEN, load_lock_full, load_lock_sections, write_lock
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import ListDocument, Status

FIELDS = ("status", "effective_from", "effective_to")


class PublishError(PenaltyRulesError):
    """A publication that cannot go ahead: `code` (English), `message` (Chinese), `field`."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 409,
                 problems: list[Problem] | None = None):
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status
        self.problems = problems or []


PUBLISH_LOCK = ".publish.lock"
PUBLISH_LOCK_TIMEOUT = 30.0  # seconds a publication step waits for another one in the same folder


@contextmanager
def publish_lock(root: Path, timeout: float | None = None):
    """An exclusive fcntl.flock on <lists>/.publish.lock, across processes (and threads: each call
    opens its own file description), held around a whole publication step or a `lists lock`.
    The file is opened with O_NOFOLLOW (a symlink there is refused) and never written."""
    timeout = PUBLISH_LOCK_TIMEOUT if timeout is None else timeout
    path = Path(root) / PUBLISH_LOCK
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise PublishError("publish_lock_unavailable", f"无法打开清单目录的发布锁 {PUBLISH_LOCK}"
                           f"({type(exc).__name__}; 不得是符号链接, 目录须可写)", "list", status=503) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishError("publish_busy", f"另一项发布或锁定正在进行(清单目录已加锁 {PUBLISH_LOCK}),"
                                       f" 等待 {timeout:.0f} 秒仍未结束; 请稍后重试", "list", status=409) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _read_lists(root: Path) -> tuple[Corpus, list[Problem]]:
    try:
        result = load_corpus(Path(root))
    except CorpusInvalid as exc:
        raise PublishError("lists_invalid", "清单目录无法载入: " + "; ".join(p.message for p in exc.problems[:3]),
                           status=409, problems=exc.problems) from None
    return result.corpus, result.problems


def load_fresh(root: Path) -> tuple[Corpus, list[Problem]]:
    """The lists as they are on disk now (the service loaded its corpus at start-up)."""
    return _read_lists(root)


def files_signature(root: Path) -> tuple:
    """(path, mtime_ns, ctime_ns, size, inode) of every file the loader reads under `root` (and of
    the lock), in order; a file that cannot be stat'ed counts as missing."""
    from penalty_rules.load.loader import REGISTRY_FILE, document_files, manifest_files
    from penalty_rules.load.statutory import statutory_files

    root = Path(root)
    out = []
    for path in (root / REGISTRY_FILE, root / LOCK_NAME, *document_files(root), *manifest_files(root),
                 *statutory_files(root)):
        try:
            st = path.stat()
            lst = path.lstat()
        except OSError:
            out.append((str(path), None))
            continue
        out.append((str(path), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, lst.st_mtime_ns, lst.st_ino))
    return tuple(out)


_CACHE: dict[str, tuple[tuple, Corpus, list[Problem]]] = {}
_CACHE_LOCK = threading.Lock()


def load_cached(root: Path) -> tuple[Corpus, list[Problem]]:
    """load_fresh, cached while no file of the folder changed (files_signature)."""
    name = str(Path(root).resolve())
    signature = files_signature(root)
    with _CACHE_LOCK:
        hit = _CACHE.get(name)
    if hit is not None and hit[0] == signature:
        return hit[1], list(hit[2])
    corpus, problems = _read_lists(root)
    if files_signature(root) == signature:  # unchanged while it was read: safe to keep
        with _CACHE_LOCK:
            _CACHE[name] = (signature, corpus, list(problems))
    return corpus, problems


def find_version(root: Path, key: str, fresh: bool = False) -> tuple[Corpus, ListDocument, Path]:
    """The version `key` (<id>@<version>) as it is on disk, with its file; PublishError 404 when it
    is not there or does not load (its load errors are carried). Read through the cache unless
    `fresh` (publishing reads fresh)."""
    if key.count("@") != 1 or not all(key.split("@")):
        raise PublishError("bad_version_key", f"清单版本键 {key!r} 无效, 应为 <清单编号>@<版本>", "list", status=422)
    corpus, problems = load_fresh(root) if fresh else load_cached(root)
    doc = corpus.document(key)
    if doc is None:
        own = [p for p in problems if p.severity == "error"]
        raise PublishError("unknown_list_version", f"未找到清单版本 {key}(或其文件有错误而未载入)", "list",
                           status=404, problems=own)
    return corpus, doc, Path(root).parent / corpus.files[key]


@dataclass
class Plan:
    root: Path
    key: str
    path: Path
    draft: ListDocument
    draft_hash: str
    published: ListDocument
    published_hash: str


def plan(root: Path, key: str, effective_from: date, effective_to: date | None = None) -> Plan:
    corpus, doc, path = find_version(root, key, fresh=True)
    if doc.status is not Status.draft:
        raise PublishError("not_a_draft", f"清单版本 {key} 的状态为 {doc.status.value}, 只有草案(draft)可以发布;"
                           "已发布版本不能再改, 修改须新建版本", "status")
    lock, marked, _ = load_lock_full(Path(root))
    if key in marked:  # published, then set back to draft in its file
        raise PublishError("already_published", f"清单版本 {key} 已经审核发布({LOCK_NAME} published 一节), "
                           "其文件却被改回草案;" + PUBLISHED_FROZEN, "status")
    if key in lock and lock[key] != content_hash(doc):  # a draft locked as it is (lists lock) may be published
        raise PublishError("locked_version_changed", f"草案 {key} 在 {LOCK_NAME} 中记录的内容与现在的不同;"
                           "先核对并运行 penalty-rules lists lock", "list")
    if not doc.items:
        # a version without items publishes only as the repeal of the version it names (supersedes):
        # from its date the earlier version is no longer in force (Corpus.end_of)
        replaced = next((o for o in corpus.versions(doc.id) if doc.supersedes and o.version == doc.supersedes
                         and o.status is not Status.draft), None)
        if replaced is None:
            raise PublishError("no_items", f"清单版本 {key} 没有条目, 不能发布(废止已发布的版本时, 以 supersedes 写明被废止的版本)",
                               "items", status=422)
        if replaced.start is not None and effective_from <= replaced.start:
            raise PublishError("bad_effective_from", f"废止 {replaced.key} 的日期须晚于其施行日 {replaced.start.isoformat()}",
                               "effective_from", status=422)
        # the repeal ends whichever published version starts just before it (Corpus.end_of), so it
        # must name that very version: the one in force the day before effective_from
        newer = [o for o in corpus.versions(doc.id) if o.status is not Status.draft and o.key != replaced.key
                 and o.start is not None and replaced.start is not None and replaced.start < o.start <= effective_from]
        ended = replaced.effective_to is not None and replaced.effective_to <= effective_from
        if replaced.start is None or newer or ended:
            why = (f"其后已有 {'、'.join(o.key for o in newer)} 施行" if newer
                   else f"它自 {replaced.effective_to.isoformat()} 起已不施行" if ended else "它没有施行日期")
            raise PublishError("repeal_not_in_force", f"草案 {key} 废止的 {replaced.key} 不是 {effective_from.isoformat()} "
                               f"前一日施行的版本({why}); 废止只能针对当时施行的版本, 否则会结束另一个版本",
                               "supersedes", status=422)
        if effective_to is not None:
            raise PublishError("repeal_with_effective_to", f"草案 {key} 是对 {replaced.key} 的废止(没有条目), "
                               "不能给出 effective_to", "effective_to", status=422)
    if effective_to is not None and effective_to <= effective_from:
        raise PublishError("bad_effective_to", "effective_to 必须晚于 effective_from", "effective_to", status=422)
    for other in corpus.versions(doc.id):
        if other.key != key and other.status is not Status.draft and other.start == effective_from:
            raise PublishError("same_start", f"清单版本 {other.key} 已自 {effective_from.isoformat()} 起施行;"
                               "新版本的生效日期须不同", "effective_from", status=422)
    data = doc.model_dump(mode="json", by_alias=True)
    data.update(status=Status.in_force.value, effective_from=effective_from.isoformat(),
                effective_to=effective_to.isoformat() if effective_to else None)
    try:
        published = ListDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PublishError("invalid_publication", f"按所给日期发布后清单无效: {first['msg']}",
                           ".".join(str(x) for x in first["loc"]) or "effective_from", status=422) from None
    return Plan(Path(root), key, path, doc, content_hash(doc), published, content_hash(published))


_TOP = re.compile(r"^(status|effective_from|effective_to)\s*:(.*)$")


def edit_text(text: str, values: dict[str, str]) -> str:
    """Set top-level scalar fields in YAML text by line: existing lines are replaced in place,
    missing ones inserted before `items:` (or appended)."""
    lines = text.splitlines(keepends=True)
    seen = set()
    for i, line in enumerate(lines):
        m = _TOP.match(line)
        if m and m.group(1) in values:
            end = "\n" if line.endswith("\n") else ""
            lines[i] = f"{m.group(1)}: {values[m.group(1)]}{end}"
            seen.add(m.group(1))
    missing = [f"{k}: {v}\n" for k, v in values.items() if k not in seen]
    if missing:
        at = next((i for i, line in enumerate(lines) if line.startswith("items:")), len(lines))
        if at == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines[at:at] = missing
    return "".join(lines)


def _replace(path: Path, text: str) -> None:
    atomic_write_text(path, text)  # mkstemp in the same folder (no fixed name), fsync, os.replace


def write(p: Plan, record=None) -> str:
    """Write the publication; returns the content hash recorded in versions.lock (in `versions`
    and in `published`). Rolls back (both files as they were) and raises PublishError when the
    result is not exactly the planned version or the lists then have errors concerning it.
    `record()` (the approval's row in the audit database) is called last: if it fails, the files
    are rolled back too, so an approval is on record exactly when the version was published."""
    from penalty_rules.lint.corpus import corpus_checks

    original = p.path.read_text("utf-8")
    lock_path = p.root / LOCK_NAME
    lock_before = lock_path.read_text("utf-8") if lock_path.exists() else None
    values = {"status": "in_force", "effective_from": p.published.effective_from.isoformat(),
              "effective_to": p.published.effective_to.isoformat() if p.published.effective_to else "null"}
    _replace(p.path, edit_text(original, values))
    try:
        corpus, problems = load_fresh(p.root)
        now = corpus.hashes.get(p.key)
        if now != p.published_hash:
            raise PublishError("publish_mismatch", f"写入后清单版本 {p.key} 的内容与审核的内容不一致"
                               f"(应为 {p.published_hash[:19]}…, 实为 {(now or '未载入')[:19]}…), 已撤回", "list")
        sections = load_lock_sections(p.root)
        if sections.problems:
            raise PublishError("bad_lock", sections.problems[0].message, "versions.lock", problems=sections.problems)
        lock = dict(sections.versions)
        lock[p.key] = p.published_hash
        write_lock(p.root, lock, {**sections.published, p.key: p.published_hash}, baseline=sections.baseline)
        problems = problems + corpus_checks(corpus, p.root)
        rel = corpus.files.get(p.key)
        own = [x for x in problems if x.severity == "error" and (x.file == rel or p.key in x.message)]
        if own:
            raise PublishError("publish_invalid", f"发布后清单版本 {p.key} 有 {len(own)} 个错误, 已撤回: {own[0]}",
                               "list", problems=own)
        if record is not None:
            record()
    except BaseException:
        _replace(p.path, original)
        if lock_before is None:
            lock_path.unlink(missing_ok=True)
        else:
            _replace(lock_path, lock_before)
        raise
    return p.published_hash
