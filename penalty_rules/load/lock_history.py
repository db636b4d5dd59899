"""The git history of versions.lock: a version ever locked as published stays locked, unchanged.

Why: the lists folder alone cannot tell a published version that was set back to `status: draft`
and whose lock lines were all deleted from a draft never locked (it loads as an unlocked draft, a
warning). The audit database's publication records catch that (penalty_rules.publish.check), but
only where the database is at hand. When the lists folder is inside a git work tree, its history
is a second witness that needs no database: every commit that changed versions.lock says which
versions were locked then, with which hash, and (from the list files of that commit) whether they
were published — `status` in_force or repealed, or listed in the lock's `published` section.

The rule (check_history) is anchored to a commit, not to a date (commit dates are whatever the
committer sets): STRICT_BASE is the last commit before the rule existed. Its state is the *base*
(the bundled lists were re-locked by hand several times before it: accepted as they stand); every
commit of the lock that is not an ancestor of STRICT_BASE — merged side branches, backdated or
not, included — is held to the rule: a version published there gets its first published hash as
its base. The lists as they are now (the working tree) must lock every version that has a base with
exactly that hash, and the version must not be a draft. So deleting a published version's lock
lines and setting it back to draft, editing it and re-locking it (by `lists lock --accept-changes`
before it refused, or by editing the lock by hand), or deleting its file is caught — committed or
not — and putting it back clears it. Renames of the lists folder are followed (`git log --follow`
on versions.lock, each commit read under the folder its lock had then); a list file stored as a
symlink is read as its target inside the same commit, if the target is inside the lists folder.
Statutory files (lists/statutory) have no status and stay outside this rule (locked by hand).
Each file content (blob) is parsed once, aliases refused before anything is built (no "billion
laughs" from an old commit): a file that cannot be read is ignored, as a file that is not a list.

When the check cannot run as designed it says so (`available` False: a warning, an error with
`lists validate --history`; `lists lock` then refuses what it cannot tell apart):
- the lists folder is not in a git work tree (a deployed copy, an unpacked archive), or git is not
  installed;
- a shallow clone (only the commits fetched are seen);
- STRICT_BASE is not in the repository or not an ancestor of HEAD (history rewritten before it —
  amend, rebase, squash, force-push, a fresh `git init` — or another repository);
- versions.lock has no commit at the path the lists folder has now (a new folder, or a folder moved
  and not committed yet).

What this cannot catch, stated plainly (only the audit database's publication records, checked by
the service at start-up and by `lists validate --db`, can):
- history rewritten after STRICT_BASE (the witness is rewritten too);
- a version published and tampered with before its first commit (never committed published), and
  a folder move git does not see as a rename (the lock changed too much in the same commit: the
  history then starts at that commit);
- a publication committed by mistake and reverted stays in the history: the version stays frozen
  (reading only the first-parent line would clear it, but whoever merges chooses the first parent,
  so a published version could be hidden behind a merge: not done);
- list files inside a symlinked folder (git stores the link, not the files);
- changes that keep the content hash (none: the hash covers every field).
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from penalty_rules.errors import Problem
from penalty_rules.load.loader import is_document_path
from penalty_rules.load.lockfile import LOCK_NAME, PUBLISHED, PUBLISHED_FROZEN, frozen_differences
from penalty_rules.load.yaml_source import MAX_FILE_BYTES, YamlProblem, refuse_aliases
from penalty_rules.model.listdoc import Status

# The last commit before the rule existed: the parent of d3636c3 (the commit that introduced it).
# Its state is accepted as it stands (the bundled lists were re-locked with --accept-changes until
# then); every commit of the lock that is not its ancestor is held to the rule (issue 11). Tests on
# temporary repositories pass their own (read_lock_history(..., strict_base=…)).
STRICT_BASE = "5fe5ec1464b36424601fb361506ad20f7aebc5ee"

PUBLISHED_STATUSES = {s.value for s in Status} - {Status.draft.value}
_GIT_TIMEOUT = 60
_NO_GIT = "未安装 git(找不到 git 命令), 无法读取锁文件历史"
_LINK_HOPS = 8  # a symlink to a symlink …: followed this many times at most


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
    `base`: version → Record (hash, commit that set it) of the versions that must stay locked;
    `diverged`: version → the first commit after STRICT_BASE whose lock disagreed with the base
    (what happened, for the message)."""

    available: bool = False
    note: str = ""
    base: dict[str, Record] = field(default_factory=dict)
    diverged: dict[str, tuple[Record | None, str, datetime, str]] = field(default_factory=dict)


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        r = subprocess.run(["git", "-C", str(cwd), "-c", "core.quotePath=false", *args], input=data,
                           capture_output=True, env=env, timeout=_GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise _GitUnavailable(_NO_GIT) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _GitUnavailable(type(exc).__name__) from None
    if r.returncode != 0:
        lines = r.stderr.decode("utf-8", "replace").strip().splitlines()
        fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
        raise _GitUnavailable((fatal or lines or [f"git {args[0]}: {r.returncode}"])[0])
    return r.stdout


class _Parsed:
    """Each blob parsed once (by its hash): the lock's sections, a list file's (key, status)."""

    def __init__(self, blobs: dict[str, bytes]):
        self.blobs = blobs
        self._docs: dict[str, object] = {}
        self._locks: dict[str, tuple[dict, dict]] = {}

    def _load(self, sha: str | None):
        if sha is None or sha not in self.blobs:
            return None
        if sha not in self._docs:
            self._docs[sha] = _load(self.blobs[sha])
        return self._docs[sha]

    def lock(self, sha: str | None) -> tuple[dict, dict]:
        """(versions, published) of a lock blob; empty when unreadable."""
        if sha not in self._locks:
            lock = self._load(sha)
            versions = lock.get("versions") if isinstance(lock, dict) else None
            published = lock.get(PUBLISHED) if isinstance(lock, dict) else None
            self._locks[sha] = (versions if isinstance(versions, dict) else {},
                                published if isinstance(published, dict) else {})
        return self._locks[sha]

    def key_status(self, sha: str) -> tuple[str, str] | None:
        doc = self._load(sha)
        if isinstance(doc, dict) and doc.get("id") is not None and doc.get("version") is not None:
            return f"{doc['id']}@{doc['version']}", str(doc.get("status"))
        return None


def _load(text: bytes):
    """A historic file's data, or None: too large, not YAML, or using aliases (refused before
    anything is built, as the lists loader does: never expanded)."""
    if len(text) > MAX_FILE_BYTES:
        return None
    try:
        decoded = text.decode("utf-8")
        refuse_aliases(decoded)
        return yaml.load(decoded, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    except (YamlProblem, yaml.YAMLError, ValueError, RecursionError):
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


@dataclass
class _Tree:
    commit: str
    when: datetime
    folder: str  # the lists folder in this commit ("" or "a/b/")
    lock: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # list file path → blob (symlinks: the link blob)
    links: set[str] = field(default_factory=set)  # the paths of `files` stored as symlinks
    regular: dict[str, str] = field(default_factory=dict)  # every regular file in the folder → blob


def _tree(top: Path, commit: str, when: datetime, folder: str) -> _Tree:
    tree = _Tree(commit, when, folder)
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder or ".").split(b"\0")
    for entry in listing:
        if not entry:
            continue
        meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
        mode, kind, sha = meta.split()
        if kind != "blob" or not path.startswith(folder):
            continue
        rel = path[len(folder):]
        if mode != "120000":
            tree.regular[rel] = sha
        if rel == LOCK_NAME:
            tree.lock = sha if mode != "120000" else None
        elif is_document_path(rel):
            tree.files[rel] = sha
            if mode == "120000":
                tree.links.add(rel)
    return tree


def _resolve(tree: _Tree, rel: str, blobs: dict[str, bytes]) -> str | None:
    """The blob a list file stands for: itself, or the regular file its symlink leads to inside the
    lists folder of the same commit (None: dangling, outside the folder, or a loop)."""
    sha = tree.files[rel]
    for _ in range(_LINK_HOPS):
        if rel not in tree.links and rel in tree.regular:
            return tree.regular[rel]
        target = blobs.get(sha)
        if target is None:
            return None
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target.decode("utf-8", "surrogateescape")))
        if rel.startswith(("../", "/")) or rel == "..":
            return None
        if rel in tree.regular:
            return tree.regular[rel]
        sha = tree.files.get(rel) or ""
        if rel not in tree.links:
            return None
    return None


def _state(tree: _Tree, parsed: _Parsed) -> dict[str, tuple[str, str]]:
    """version → (hash, why) of the versions locked as published in one commit."""
    if tree.lock is None:
        return {}
    versions, published = parsed.lock(tree.lock)
    statuses: dict[str, set[str]] = {}
    for rel in tree.files:
        found = parsed.key_status(_resolve(tree, rel, parsed.blobs) or "")
        if found:
            statuses.setdefault(found[0], set()).add(found[1])
    state = {}
    for key, digest in versions.items():
        live = statuses.get(str(key), set()) & PUBLISHED_STATUSES
        if live and isinstance(digest, str):
            state[str(key)] = (digest, sorted(live)[0])
    for key, digest in published.items():
        if isinstance(digest, str):
            state[str(key)] = (digest, PUBLISHED)
    return state


def _folder(lock_path: str) -> str:
    """The lists folder of a lock path as git names it ("" at the top, else "a/b/")."""
    folder = posixpath.dirname(lock_path)
    return folder + "/" if folder else ""


def _unavailable(root: Path, why: str) -> LockHistory:
    return LockHistory(False, f"未能核对锁文件历史: {root.name} {why}")


def read_lock_history(root: Path, strict_base: str | None = None) -> LockHistory:
    """Read the history of `root`/versions.lock (see the module docstring). `strict_base`: the
    anchor commit (default STRICT_BASE; tests on temporary repositories pass theirs). Never raises:
    when the check cannot run as designed, `available` is False and `note` says why."""
    root = Path(root)
    anchor = strict_base or STRICT_BASE
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
        prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
        if _git(top, "rev-parse", "--is-shallow-repository").decode().strip() == "true":
            return _unavailable(root, "所在的 git 仓库是浅克隆(只取回了部分提交), 历史不完整, 无法完整核对"
                                      "(git fetch --unshallow 后可核对)")
        try:
            _git(top, "rev-parse", "--verify", "-q", "HEAD")
        except _GitUnavailable:
            return _unavailable(root, "所在的 git 仓库尚无提交, 没有锁文件历史")
        try:
            _git(top, "cat-file", "-e", f"{anchor}^{{commit}}")
            _git(top, "merge-base", "--is-ancestor", anchor, "HEAD")
        except _GitUnavailable:
            return _unavailable(root, f"所在的 git 仓库中没有基准提交 {anchor[:10]}(或它不是 HEAD 的祖先): "
                                      "历史被改写(amend、rebase、squash、强制推送)或不是同一个仓库")
        log = _git(top, "log", "--follow", "--full-history", "--topo-order", "--name-only",
                   "--format=%x00%H %cI", "HEAD", "--", prefix + LOCK_NAME).decode("utf-8", "surrogateescape")
        entries: list[tuple[str, datetime, str | None]] = []  # newest first
        for chunk in log.split("\0")[1:]:
            lines = [line for line in chunk.splitlines() if line.strip()]
            commit, when = lines[0].split()
            entries.append((commit, datetime.fromisoformat(when), lines[1] if len(lines) > 1 else None))
        if not entries:
            return _unavailable(root, f"的 {LOCK_NAME} 在 git 历史中没有提交(新建的清单目录, 或移动、改名后尚未提交),"
                                      " 没有锁文件历史可核对")
        old = set(_git(top, "rev-list", anchor).decode().split())
        before = [e for e in entries if e[0] in old]
        after = [e for e in reversed(entries) if e[0] not in old]  # oldest first
        trees: list[_Tree] = []
        if before:  # the state at the anchor, under the folder the lock had then
            when = datetime.fromisoformat(_git(top, "show", "-s", "--format=%cI", anchor).decode().strip())
            path = before[0][2] or prefix + LOCK_NAME
            trees.append(_tree(top, anchor, when, _folder(path)))
        path = before[0][2] if before and before[0][2] else prefix + LOCK_NAME
        for commit, when, name in after:
            path = name or path  # a merge lists no name: the folder of the commit before it
            trees.append(_tree(top, commit, when, _folder(path)))
        wanted = set()
        for tree in trees:
            wanted |= set(tree.files.values()) | ({tree.lock} if tree.lock else set())
            for rel in tree.links:  # a symlink's target: its link blob's text, then the target blob
                wanted.add(tree.files[rel])
        blobs = _blobs(top, wanted)
        more = {sha for tree in trees for rel in tree.links if (sha := _resolve(tree, rel, blobs)) and sha not in blobs}
        blobs.update(_blobs(top, more))
    except _GitUnavailable as exc:
        if str(exc) == _NO_GIT:
            return LockHistory(False, f"未能核对锁文件历史: {_NO_GIT}")
        return _unavailable(root, f"不在可读的 git 仓库中({exc})")
    except (ValueError, IndexError, UnicodeDecodeError) as exc:
        return _unavailable(root, f"的 git 输出无法解读({type(exc).__name__})")

    history = LockHistory(True)
    parsed = _Parsed(blobs)
    base: dict[str, Record | None] = {}
    for i, tree in enumerate(trees):
        state = _state(tree, parsed)
        strict = not (i == 0 and before)
        for key in set(base) | set(state):
            now = state.get(key)
            record = Record(now[0], tree.commit, tree.when, now[1]) if now else None
            if not strict:
                base[key] = record  # the state at the anchor: accepted as it stands
            elif base.get(key) is None:
                base[key] = record  # first publication under the rule
            elif key not in history.diverged and (now is None or now[0] != base[key].hash):
                what = ("锁定记录被删除" if now is None and key not in {str(k) for k in parsed.lock(tree.lock)[0]}
                        else "不再是已发布状态(改回草案或文件被删除)" if now is None
                        else f"被重新锁定为哈希 {now[0][:19]}…")
                history.diverged[key] = (record, tree.commit, tree.when, what)
    history.base = {k: r for k, r in base.items() if r is not None}
    history.note = (f"锁文件历史核对: 基准提交 {anchor[:10]} 之后 {LOCK_NAME} 的提交 {len(after)} 个"
                    f", 须保持锁定的已发布版本 {len(history.base)} 个")
    return history


def check_history(history: LockHistory, corpus, lock: dict[str, str] | None = None, lists_root: Path | None = None,
                  skip: set[str] = frozenset()) -> list[Problem]:
    """Errors for every version with a base in `history` that `lock` (the lock's recorded hashes)
    does not hold with the base hash, or whose list file is now a draft; `lock` None (`lists lock`,
    about to rewrite the lock): the content hashes are compared instead. `corpus`: the lists as
    loaded; `skip`: versions already refused for another reason (not said twice). The comparison is
    check_publications' (lockfile.frozen_differences)."""
    lock_file = str(Path(lists_root.name) / LOCK_NAME) if lists_root is not None else LOCK_NAME
    problems = []
    for key, rec in sorted(history.base.items()):
        if key in skip:
            continue
        since = f"提交 {rec.commit[:10]}({rec.date.date().isoformat()})起以哈希 {rec.hash[:19]}… 锁定为已发布"
        since += "(published 一节)" if rec.why == PUBLISHED else f"(status {rec.why})"
        seen = history.diverged.get(key)
        later = f";提交 {seen[1][:10]}({seen[2].date().isoformat()})中{seen[3]}" if seen else ""
        file = corpus.files.get(key)
        found = frozen_differences(corpus, key, rec.hash, lock, content=lock is None)
        for kind, now in sorted(found.items(), key=lambda kv: kv[0] == "reverted"):  # the hash, then the status
            if kind == "reverted":
                problems.append(Problem(
                    "lock_history_reverted",
                    f"清单版本 {key} 按 git 历史自{since}, 现在的状态被改回草案(status: draft);" + PUBLISHED_FROZEN,
                    file, path="status"))
                continue
            what = {"missing": "清单中没有它(文件被删除、改名或有错误未载入)", "unlocked": f"现在 {LOCK_NAME} 中没有它的记录",
                    "changed": "现在的内容哈希", "lock_changed": f"现在 {LOCK_NAME} 中记录的哈希"}[kind]
            problems.append(Problem(
                "lock_history_unlocked" if now is None else "lock_history_changed",
                f"清单版本 {key} 按 git 历史自{since}, {what}" + (f"为 {now[:19]}…" if now is not None else "") + f"{later};"
                + PUBLISHED_FROZEN,
                file or lock_file, path=f"versions.{key}"))
    return problems
