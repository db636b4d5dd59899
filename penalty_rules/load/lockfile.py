"""versions.lock: the content hash of every published list version.

A recorded version whose content changed without a new version label is an error, and so is a
published version (status in_force or repealed, and every statutory file) missing from the lock:
deleting the lock or a line of it does not let an edited published list load. Drafts may stay
unlocked (a warning). The lock is read like the list files (size limit, no aliases, no symlink
out of the folder) and must have the shape `penalty-rules lists lock` writes; anything else is a
`bad_lock` error naming the file, never a parser traceback.
"""

import re
from pathlib import Path

import yaml

from penalty_rules.errors import CorpusInvalid, Problem
from penalty_rules.load.yaml_source import YamlProblem, read_yaml

LOCK_NAME = "versions.lock"
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


def load_lock(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """(recorded hashes, problems); a missing lock is empty, a broken one gives `bad_lock`."""
    root = Path(root)
    path = root / LOCK_NAME
    rel = str(Path(root.name) / LOCK_NAME)
    if not path.exists() and not path.is_symlink():
        return {}, []

    def bad(message: str, line=None, column=None, where=None, code="bad_lock"):
        return {}, [Problem(code, f"{LOCK_NAME} 无效: {message}", rel, line, column, where)]

    try:
        data, marks = read_yaml(path, root)
    except YamlProblem as p:  # yaml_syntax, yaml_alias, file_too_large, symlink_outside …
        return bad(p.message, p.line, p.column, code=p.code)
    if data is None:
        return {}, []
    if not isinstance(data, dict) or set(data) - {"versions"}:
        return bad("顶层须为只含 versions 的映射(由 penalty-rules lists lock 生成)", 1, 1)
    versions = data.get("versions") or {}
    if not isinstance(versions, dict):
        line, col = marks.get(("versions",), (None, None))
        return bad("versions 须为 版本 → sha256 哈希 的映射", line, col, "versions")
    for key, digest in versions.items():
        if not isinstance(key, str) or not isinstance(digest, str) or not _HASH.match(digest):
            line, col = marks.get(("versions", str(key)), (None, None))
            return bad(f"版本 {key!r} 的记录须为 sha256:<64 位十六进制>, 现为 {digest!r}", line, col, f"versions.{key}")
    return dict(versions), []


def read_lock(root: Path) -> dict[str, str]:
    """The recorded hashes; a broken lock raises CorpusInvalid (problem `bad_lock`)."""
    lock, problems = load_lock(root)
    if problems:
        raise CorpusInvalid(problems)
    return lock


def write_lock(root: Path, hashes: dict[str, str]) -> Path:
    path = root / LOCK_NAME
    body = {"versions": dict(sorted(hashes.items()))}
    header = (
        "# Content hashes of published list versions (penalty-rules lists lock).\n"
        "# Changing a recorded version's content requires a new version label.\n"
    )
    path.write_text(header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def check_lock(
    lock: dict[str, str], hashes: dict[str, str], files: dict[str, str], drafts: set[str] | None = None
) -> list[Problem]:
    """Compare the recorded hashes with the loaded ones. `drafts`: the keys of versions with status
    draft, which may stay unlocked (a warning); every other version (published lists and the
    statutory files) missing from the lock is an error. Without `drafts`, every version is
    treated as published."""
    drafts = drafts or set()
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
            problems.append(
                Problem(
                    "locked_version_changed",
                    f"已发布版本 {key} 的内容被修改(锁定 {recorded[:19]}…, 现为 {digest[:19]}…);"
                    "修改已发布清单须新建版本",
                    file=files.get(key),
                )
            )
    for key in sorted(set(lock) - set(hashes)):
        problems.append(
            Problem("locked_version_missing", f"已发布版本 {key} 的文件不见了", severity="error")
        )
    return problems
