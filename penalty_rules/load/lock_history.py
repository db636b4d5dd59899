"""The git history of versions.lock: a version ever locked as published stays locked, unchanged.

Why: the lists folder alone cannot tell a published version that was set back to `status: draft`
and whose lock lines were all deleted from a draft never locked (it loads as an unlocked draft, a
warning). The audit database's publication records catch that (penalty_rules.publish.check), but
only where the database is at hand. When the lists folder is inside a git work tree, its history
is a second witness that needs no database: every commit that changed versions.lock says which
versions were locked then, with which hash, and (from the list files of that commit) whether they
were published — `status` in_force or repealed, or listed in the lock's `published` section.

The rule (check_history): for each list version, its *base* is its published hash as of
STRICT_FROM — the state at the last commit of the lock before STRICT_FROM (changes made before the
rule existed are accepted as they stand: the bundled lists were re-locked by hand several times),
or the hash of its first publication in a commit after STRICT_FROM. The lists as they are now (the
working tree) must lock every version that has a base with exactly that hash, and the version must
not be a draft. So deleting a published version's lock lines and setting it back to draft, editing
it and re-locking it (by `lists lock --accept-changes` before it refused, or by editing the lock by
hand), or deleting its file is caught — committed or not — and putting it back clears it.
Statutory files (lists/statutory) have no status and stay outside this rule (locked by hand).

What this cannot catch, stated plainly (only the audit database's publication records, checked by
the service at start-up and by `lists validate --db`, can):
- a lists folder that is not in a git work tree (a deployed copy, an unpacked archive): no history,
  the check says it could not run;
- a shallow clone: only the commits fetched are seen; the oldest one is taken as it stands;
- history rewritten (rebase, squash, force-push, a fresh `git init`): the witness is rewritten too;
- commit dates are set by whoever commits: a commit backdated before STRICT_FROM, placed before every
  commit dated after it, would count as accepted (after a commit dated past STRICT_FROM, every later
  commit is held to the rule whatever its date);
- a version published and tampered with before its first commit (never committed published);
- changes that keep the content hash (none: the hash covers every field).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from penalty_rules.errors import Problem
from penalty_rules.load.lockfile import LOCK_NAME, PUBLISHED, PUBLISHED_FROZEN
from penalty_rules.load.yaml_source import MAX_FILE_BYTES

# Lock changes committed before this moment are accepted as they stand (the bundled lists were
# re-locked with --accept-changes until then); from it on, a published version keeps its hash.
# Set to the time the rule was introduced (issue 11).
STRICT_FROM = datetime.fromisoformat("2026-11-30T09:40:00+00:00")

PUBLISHED_STATUSES = {"in_force", "repealed"}  # Status values other than draft
_SKIP_DIRS = {"statutory", "manifests"}  # not list versions (penalty_rules.load.loader)
_GIT_TIMEOUT = 60


class _GitUnavailable(Exception):
    pass


@dataclass
class Record:
    """One commit of versions.lock in which a version was locked as published."""

    hash: str
    commit: str
    date: datetime
    why: str  # the status then, or "published" (the lock's published section)


@dataclass
class LockHistory:
    """`available`: a git history was read; `note`: what was read or why not (Chinese);
    `base`: version → (hash, Record of the commit that set it) of the versions that must stay
    locked; `diverged`: version → the first commit from STRICT_FROM on whose lock disagreed with
    the base (what happened, for the message)."""

    available: bool = False
    note: str = ""
    shallow: bool = False
    commits: int = 0
    base: dict[str, Record] = field(default_factory=dict)
    diverged: dict[str, tuple[Record | None, str, datetime, str]] = field(default_factory=dict)


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        r = subprocess.run(["git", "-C", str(cwd), *args], input=data, capture_output=True, env=env,
                           timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _GitUnavailable(type(exc).__name__) from None
    if r.returncode != 0:
        lines = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitUnavailable(lines[-1] if lines else f"git {args[0]}: {r.returncode}")
    return r.stdout


def _load(text: bytes):
    if len(text) > MAX_FILE_BYTES:
        return None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    except (yaml.YAMLError, ValueError, RecursionError):
        return None


def _blobs(top: Path, shas: set[str]) -> dict[str, bytes]:
    """The contents of `shas` in one `git cat-file --batch`."""
    if not shas:
        return {}
    order = sorted(shas)
    out = _git(top, "cat-file", "--batch", data=("\n".join(order) + "\n").encode())
    blobs, pos = {}, 0
    for sha in order:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1
    return blobs


def _state(files: dict[str, str], lock_sha: str | None, blobs: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """version → (hash, why) of the versions locked as published in one commit."""
    lock = _load(blobs.get(lock_sha, b"")) if lock_sha else None
    if not isinstance(lock, dict):
        return {}
    versions = lock.get("versions") if isinstance(lock.get("versions"), dict) else {}
    published = lock.get(PUBLISHED) if isinstance(lock.get(PUBLISHED), dict) else {}
    statuses: dict[str, set[str]] = {}
    for sha in files.values():
        doc = _load(blobs.get(sha, b""))
        if isinstance(doc, dict) and doc.get("id") is not None and doc.get("version") is not None:
            statuses.setdefault(f"{doc['id']}@{doc['version']}", set()).add(str(doc.get("status")))
    state = {}
    for key, digest in versions.items():
        live = statuses.get(str(key), set()) & PUBLISHED_STATUSES
        if live and isinstance(digest, str):
            state[str(key)] = (digest, sorted(live)[0])
    for key, digest in published.items():
        if isinstance(digest, str):
            state[str(key)] = (digest, PUBLISHED)
    return state


def read_lock_history(root: Path) -> LockHistory:
    """Read the history of `root`/versions.lock (see the module docstring). Never raises: without
    git, outside a work tree or on any git failure, `available` is False and `note` says why."""
    root = Path(root)
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
        prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
        shallow = _git(top, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
        try:
            _git(top, "rev-parse", "--verify", "-q", "HEAD")
        except _GitUnavailable:
            return LockHistory(True, f"{root.name} 所在的 git 仓库尚无提交, 没有锁文件历史可核对")
        lock_path = prefix + LOCK_NAME
        log = _git(top, "log", "--full-history", "--topo-order", "--reverse", "--format=%H %cI", "HEAD", "--",
                   lock_path).decode().split("\n")
        commits = [(c, datetime.fromisoformat(d)) for c, d in (line.split() for line in log if line.strip())]
        trees: list[tuple[str, datetime, dict[str, str], str | None]] = []
        wanted: set[str] = set()
        for commit, when in commits:
            listing = _git(top, "ls-tree", "-r", "-z", commit, "--", prefix or ".").split(b"\0")
            files, lock_sha = {}, None
            for entry in listing:
                if not entry:
                    continue
                meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
                mode, kind, sha = meta.split()
                if kind != "blob" or mode == "120000":
                    continue
                rel = path[len(prefix):]
                if rel == LOCK_NAME:
                    lock_sha = sha
                elif (rel.endswith((".yaml", ".yml")) and rel != "domains.yaml"
                      and not _SKIP_DIRS & set(rel.split("/")[:-1])):
                    files[rel] = sha
            trees.append((commit, when, files, lock_sha))
            wanted |= set(files.values()) | ({lock_sha} if lock_sha else set())
        blobs = _blobs(top, wanted)
    except _GitUnavailable as exc:
        return LockHistory(False, f"{root.name} 不在可读的 git 仓库中({exc}), 未能核对锁文件历史")
    except (ValueError, UnicodeDecodeError) as exc:
        return LockHistory(False, f"git 输出无法解读({type(exc).__name__}), 未能核对锁文件历史")

    history = LockHistory(True, "", shallow, len(commits))
    base: dict[str, Record | None] = {}
    strict = False
    for commit, when, files, lock_sha in trees:
        state = _state(files, lock_sha, blobs)
        strict = strict or when >= STRICT_FROM  # from the first commit dated past it on, whatever the date
        for key in set(base) | set(state):
            now = state.get(key)
            record = Record(now[0], commit, when, now[1]) if now else None
            if not strict:
                base[key] = record  # changes before the rule: accepted as they stand
            elif base.get(key) is None:
                base[key] = record  # first publication under the rule
            elif key not in history.diverged and (now is None or now[0] != base[key].hash):
                what = ("锁定记录被删除" if now is None and key not in _locked(lock_sha, blobs)
                        else "不再是已发布状态(改回草案或文件被删除)" if now is None
                        else f"被重新锁定为哈希 {now[0][:19]}…")
                history.diverged[key] = (record, commit, when, what)
    history.base = {k: r for k, r in base.items() if r is not None}
    history.note = (f"锁文件历史核对: {LOCK_NAME} 的提交 {len(commits)} 个"
                    + (", 浅克隆(只见到已取回的提交)" if shallow else "")
                    + f", 须保持锁定的已发布版本 {len(history.base)} 个")
    return history


def _locked(lock_sha: str | None, blobs: dict[str, bytes]) -> set[str]:
    lock = _load(blobs.get(lock_sha, b"")) if lock_sha else None
    versions = lock.get("versions") if isinstance(lock, dict) else None
    return {str(k) for k in versions} if isinstance(versions, dict) else set()


def check_history(history: LockHistory, recorded: dict[str, str], corpus, lists_root: Path | None = None,
                  writing: bool = False, skip: set[str] = frozenset()) -> list[Problem]:
    """Errors for every version with a base in `history` that `recorded` (the lock's versions; for
    `lists lock`, `writing`, the hashes about to be written) does not hold with the base hash, or
    whose list file is now a draft. `corpus`: the lists as loaded; `skip`: versions already refused
    for another reason (not said twice)."""
    from penalty_rules.model.listdoc import Status

    lock_file = str(Path(lists_root.name) / LOCK_NAME) if lists_root is not None else LOCK_NAME
    problems = []
    for key, rec in sorted(history.base.items()):
        if key in skip:
            continue
        since = f"提交 {rec.commit[:10]}({rec.date.date().isoformat()})起以哈希 {rec.hash[:19]}… 锁定为已发布"
        since += "(published 一节)" if rec.why == PUBLISHED else f"(status {rec.why})"
        seen = history.diverged.get(key)
        later = f";提交 {seen[1][:10]}({seen[2].date().isoformat()})中{seen[3]}" if seen else ""
        doc = corpus.document(key)
        current = recorded.get(key)
        if current is None:
            where = ("清单中没有它(文件被删除、改名或有错误未载入)" if writing and key not in corpus.hashes
                     else f"现在 {LOCK_NAME} 中没有它的记录")
            problems.append(Problem(
                "lock_history_unlocked",
                f"清单版本 {key} 按 git 历史自{since}, {where}{later};" + PUBLISHED_FROZEN,
                corpus.files.get(key) or lock_file, path=f"versions.{key}"))
        elif current != rec.hash:
            problems.append(Problem(
                "lock_history_changed",
                f"清单版本 {key} 按 git 历史自{since}, 现在"
                + ("的内容哈希" if writing else f" {LOCK_NAME} 中记录的哈希") + f"为 {current[:19]}…{later};"
                + PUBLISHED_FROZEN,
                corpus.files.get(key) or lock_file, path=f"versions.{key}"))
        if doc is not None and doc.status is Status.draft:
            problems.append(Problem(
                "lock_history_reverted",
                f"清单版本 {key} 按 git 历史自{since}, 现在的状态被改回草案(status: draft);" + PUBLISHED_FROZEN,
                corpus.files.get(key), path="status"))
    return problems
