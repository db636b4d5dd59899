"""versions.lock: the content hash of every published list version.

A recorded version whose content changed without a new version label is an error, and so is a
published version (status in_force or repealed, and every statutory file) missing from the lock:
deleting the lock or a line of it does not let an edited published list load. Drafts may stay
unlocked (a warning). The lock is read like the list files (size limit, no aliases, no symlink
out of the folder) and must have the shape `penalty-rules lists lock` writes; anything else is a
`bad_lock` error naming the file, never a parser traceback.

`published` (optional, absent from older locks): the versions published through review and
four-eyes approval (penalty-rules lists publish), with the hash locked then. Each must also be in
`versions` with the same hash (else `bad_lock`); `lists lock --accept-changes` never re-locks them,
nor any other published version (relock_refusals: a list version whose status is not draft, locked
before the workflow or not); it re-locks drafts and the statutory files only.

`baseline` (a list of version keys, written once): the versions that were already locked before
the review workflow existed. A non-draft list version must either be in the baseline or have a
four-eyes approval in the audit database (penalty_rules.publish.check.check_unreviewed: `lists lock`
with a database, `lists validate --db`, service start-up). A lock without `published` and without
`baseline` (older locks; the bundled one has a `baseline` section) counts every entry of `versions`
as baseline; one with `published` but no `baseline` counts the entries not in `published`. The
baseline never grows: new entries are never added to it (it may shrink when a version leaves the
lock). The lock is written atomically (penalty_rules.load.atomic).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from penalty_rules.errors import CorpusInvalid, Problem
from penalty_rules.load.yaml_source import YamlProblem, read_yaml
from penalty_rules.model.listdoc import Status

LOCK_NAME = "versions.lock"
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


PUBLISHED = "published"
BASELINE = "baseline"


@dataclass
class LockSections:
    """The lock as read: `versions` (key → hash), `published` (key → hash), `baseline` (keys),
    `exists` (there is a lock file), `problems` (bad_lock …; the sections are empty then)."""

    versions: dict[str, str] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)
    baseline: set[str] = field(default_factory=set)
    exists: bool = False
    problems: list[Problem] = field(default_factory=list)


def load_lock(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """(recorded hashes, problems); a missing lock is empty, a broken one gives `bad_lock`."""
    versions, _, problems = load_lock_full(root)
    return versions, problems


def load_lock_full(root: Path) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    """(recorded hashes, published versions → hash, problems)."""
    s = load_lock_sections(root)
    return s.versions, s.published, s.problems


def load_lock_sections(root: Path) -> LockSections:
    """Every section of the lock (see the module's docstring for the implied baseline)."""
    root = Path(root)
    path = root / LOCK_NAME
    rel = str(Path(root.name) / LOCK_NAME)
    if not path.exists() and not path.is_symlink():
        return LockSections()

    def bad(message: str, line=None, column=None, where=None, code="bad_lock"):
        return LockSections(exists=True, problems=[Problem(code, f"{LOCK_NAME} 无效: {message}", rel, line, column,
                                                           where)])

    try:
        data, marks = read_yaml(path, root)
    except YamlProblem as p:  # yaml_syntax, yaml_alias, file_too_large, symlink_outside …
        return bad(p.message, p.line, p.column, code=p.code)
    if data is None:
        return LockSections(exists=True)
    if not isinstance(data, dict) or set(data) - {"versions", PUBLISHED, BASELINE}:
        return bad("顶层须为只含 versions(及 published、baseline)的映射(由 penalty-rules lists lock 生成)", 1, 1)
    sections = {}
    for section in ("versions", PUBLISHED):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            line, col = marks.get((section,), (None, None))
            return bad(f"{section} 须为 版本 → sha256 哈希 的映射", line, col, section)
        for key, digest in entries.items():
            if not isinstance(key, str) or not isinstance(digest, str) or not _HASH.match(digest):
                line, col = marks.get((section, str(key)), (None, None))
                return bad(f"版本 {key!r} 的记录须为 sha256:<64 位十六进制>, 现为 {digest!r}", line, col,
                           f"{section}.{key}")
        sections[section] = dict(entries)
    versions, published = sections["versions"], sections[PUBLISHED]
    for key, digest in published.items():
        if versions.get(key) != digest:
            line, col = marks.get((PUBLISHED, key), (None, None))
            what = "的记录被删除" if key not in versions else f"记录的哈希 {versions[key][:19]}… 与发布时的 {digest[:19]}… 不同"
            return bad(f"经审核发布的版本 {key} 在 versions 中{what}; 已发布版本的锁定记录不能删改, "
                       "恢复原记录(修改须新建版本)", line, col, f"versions.{key}")
    if BASELINE in data:
        listed = data.get(BASELINE) or []
        if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
            line, col = marks.get((BASELINE,), (None, None))
            return bad("baseline 须为版本键(<清单编号>@<版本>)的列表", line, col, BASELINE)
        baseline = set(listed)
    else:  # older locks: every entry was locked before the workflow (published ones excepted)
        baseline = set(versions) - set(published)
    return LockSections(versions, published, baseline, True, [])


def read_lock(root: Path) -> dict[str, str]:
    """The recorded hashes; a broken lock raises CorpusInvalid (problem `bad_lock`)."""
    lock, problems = load_lock(root)
    if problems:
        raise CorpusInvalid(problems)
    return lock


def write_lock(root: Path, hashes: dict[str, str], published: dict[str, str] | None = None,
               baseline: set[str] | None = None) -> Path:
    """Write `hashes` atomically; `published` (default: the published section of the current lock)
    is kept and must agree with `hashes` (ValueError otherwise: the caller refuses before writing).
    `baseline` (default: the current lock's, or — no lock yet — every entry written, as for a
    folder locked before the workflow) is kept to the entries written; it never grows
    (`lists lock` and publishing pass it explicitly). A lock whose baseline is every entry and
    which has no published version is written in the older form (no sections): the same meaning,
    and such a lock stays byte-identical when re-locked unchanged."""
    from penalty_rules.load.atomic import atomic_write_text

    root = Path(root)
    path = root / LOCK_NAME
    current = load_lock_sections(root) if published is None or baseline is None else None
    if published is None:
        published = current.published
    if baseline is None:
        baseline = current.baseline if current.exists else set(hashes)
    wrong = sorted(k for k, v in published.items() if hashes.get(k) != v)
    if wrong:
        raise ValueError(f"经审核发布的版本 {'、'.join(wrong)} 的哈希不能改写")
    baseline = {k for k in baseline if k in hashes and k not in published}
    body: dict = {"versions": dict(sorted(hashes.items()))}
    explicit = bool(published) or baseline != set(hashes)
    if explicit:
        body[BASELINE] = sorted(baseline)
    if published:
        body[PUBLISHED] = dict(sorted(published.items()))
    header = (
        "# Content hashes of published list versions (penalty-rules lists lock).\n"
        "# Changing a recorded version's content requires a new version label.\n"
    )
    if explicit:
        header += ("# baseline: versions locked before the review workflow; any other non-draft version needs a\n"
                   "# four-eyes approval on record (penalty-rules lists publish). Never extended by hand.\n")
    if published:
        header += "# published: versions published through review (penalty-rules lists publish), never re-locked.\n"
    atomic_write_text(path, header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False))
    return path


PUBLISHED_FROZEN = ("已发布版本不能修改, 也不能用 lists lock --accept-changes 重新锁定: 恢复发布时的内容;"
                    "修改须以新的版本号建立草案, 审核后发布")


def check_lock(
    lock: dict[str, str], hashes: dict[str, str], files: dict[str, str], drafts: set[str] | None = None,
    published: dict[str, str] | None = None,
) -> list[Problem]:
    """Compare the recorded hashes with the loaded ones. `drafts`: the keys of versions with status
    draft, which may stay unlocked (a warning); every other version (published lists and the
    statutory files) missing from the lock is an error. Without `drafts`, every version is
    treated as published. `published`: the lock's published section (messages say so)."""
    drafts = drafts or set()
    published = published or {}
    problems = []
    for key, digest in sorted(hashes.items()):
        recorded = lock.get(key)
        if recorded is None:
            if key in drafts:
                message = f"草案版本 {key} 尚未记入 {LOCK_NAME};发布前运行 penalty-rules lists lock"
            else:
                message = (f"已发布版本 {key} 未记入 {LOCK_NAME}(锁文件或其中一行被删除, 或新版本尚未锁定);"
                           "核对内容后运行 penalty-rules lists lock 记录")
            problems.append(
                Problem(
                    "unlocked_version", message, file=files.get(key),
                    severity="warning" if key in drafts else "error",
                )
            )
        elif recorded != digest:
            frozen = (f"经审核发布的版本 {key} 的内容被修改(锁定 {recorded[:19]}…, 现为 {digest[:19]}…);"
                      + PUBLISHED_FROZEN) if key in published else None
            problems.append(
                Problem(
                    "locked_version_changed",
                    frozen or (f"草案 {key} 的内容与锁定时不同(锁定 {recorded[:19]}…, 现为 {digest[:19]}…);"
                               "核对后运行 penalty-rules lists lock --accept-changes" if key in drafts else
                               f"已发布版本 {key} 的内容被修改(锁定 {recorded[:19]}…, 现为 {digest[:19]}…);"
                               "修改已发布清单须新建版本"),
                    file=files.get(key),
                )
            )
    for key in sorted(set(lock) - set(hashes)):
        message = f"已发布版本 {key} 的文件不见了"
        if key in published:
            message = f"经审核发布的版本 {key} 的文件不见了(或有错误未载入);" + PUBLISHED_FROZEN
        problems.append(Problem("locked_version_missing", message, severity="error"))
    return problems


def relock_refusals(sections: LockSections, corpus, history_read: bool) -> tuple[dict[str, Problem], list[str]]:
    """What `lists lock` refuses to re-lock besides the lock's `published` section (checked by the
    caller), --accept-changes or not: every locked list version that is published — its status is
    not draft (in_force, repealed), e.g. the baseline versions locked by hand before the review
    workflow — whose content differs from its lock entry or whose file is gone. The versions the
    git history of the lock shows locked as published are the history check's (lock_history.
    check_history, `history_read`: it ran). Drafts may be re-locked, and so may the statutory files
    (no status; not list versions, locked by hand). Returns (version → its refusal, in version
    order; notes in Chinese of what could not be told apart without the history).

    Without the history two cases cannot be told from the files: a locked version set back to
    `status: draft` (re-locked as the draft it now claims to be: said in a note), and a locked
    version whose file is gone (refused: it may have been published; a draft's line can be removed
    from the lock by hand)."""
    statutory = set(corpus.hashes) - {d.key for d in corpus.documents}
    refusals: dict[str, Problem] = {}
    notes: list[str] = []
    for key, digest in sorted(sections.versions.items()):
        current = corpus.hashes.get(key)
        if key in sections.published or key in statutory or current == digest:
            continue
        doc = corpus.document(key)
        if doc is not None and doc.status is not Status.draft:
            why = f"status {doc.status.value}" + (
                f";审核流程之前锁定, 在 {LOCK_NAME} 的 baseline 中, 没有发布记录" if key in sections.baseline else "")
        elif doc is None and not history_read:
            why = (f"无 git 历史, 无法确定它锁定时是否为草案; 若确为草案, 可手工删去 {LOCK_NAME} 中它的一行")
        else:  # a draft now, or gone: the history check says whether it was published
            if doc is not None and not history_read:
                notes.append(f"{key} 现为草案, 按草案重新锁定; 它锁定时若已发布(被改回草案), 无 git 历史无法发现")
            continue
        if current is None:
            label = "锁定的版本" if doc is None else "已发布版本"
            refusals[key] = Problem(
                "published_version_missing",
                f"{label} {key}({why})的文件不见了(或有错误未载入), 不能从 {LOCK_NAME} 中删去;" + PUBLISHED_FROZEN,
                path=f"versions.{key}")
        else:
            refusals[key] = Problem(
                "published_version_changed",
                f"已发布版本 {key}({why})的内容与锁定的不同(锁定 {digest[:19]}…, 现为 {current[:19]}…), "
                "不能重新锁定;" + PUBLISHED_FROZEN,
                corpus.files.get(key), path=f"versions.{key}")
    return refusals, notes


def frozen_differences(corpus, key: str, expected: str | None, lock: dict[str, str] | None = None,
                       content: bool = True) -> dict[str, str | None]:
    """How version `key`, frozen at hash `expected` when it was published (None: only its presence
    and status count), differs from the lists now; kind → the hash now where there is one, in this
    order: `missing` (not in the lists; then nothing else), `reverted` (status draft), `changed`
    (another content hash), `unlocked` / `lock_changed` (`lock`, the lock's recorded hashes, has no
    entry / another hash; None: not compared). `content` False: only the lock and the status are
    compared. The one comparison of publish.check.check_publications (audit records) and
    lock_history.check_history (git history of the lock); each says what it found in its own words."""
    if content and key not in corpus.hashes:
        return {"missing": None}
    found: dict[str, str | None] = {}
    doc = corpus.document(key)
    if doc is not None and doc.status is Status.draft:
        found["reverted"] = None
    if content and expected is not None and corpus.hashes[key] != expected:
        found["changed"] = corpus.hashes[key]
    if lock is not None and expected is not None:
        recorded = lock.get(key)
        if recorded is None:
            found["unlocked"] = None
        elif recorded != expected:
            found["lock_changed"] = recorded
    return found
