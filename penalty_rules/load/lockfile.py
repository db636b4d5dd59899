"""versions.lock: the content hash of every published list version.

A recorded version whose content changed without a new version label is an error.
"""

from pathlib import Path

import yaml

from penalty_rules.errors import Problem

LOCK_NAME = "versions.lock"


def read_lock(root: Path) -> dict[str, str]:
    path = root / LOCK_NAME
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return dict(data.get("versions", {}))


def write_lock(root: Path, hashes: dict[str, str]) -> Path:
    path = root / LOCK_NAME
    body = {"versions": dict(sorted(hashes.items()))}
    header = (
        "# Content hashes of published list versions (penalty-rules lists lock).\n"
        "# Changing a recorded version's content requires a new version label.\n"
    )
    path.write_text(header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def check_lock(lock: dict[str, str], hashes: dict[str, str], files: dict[str, str]) -> list[Problem]:
    problems = []
    for key, digest in sorted(hashes.items()):
        recorded = lock.get(key)
        if recorded is None:
            problems.append(
                Problem(
                    "unlocked_version",
                    f"版本 {key} 尚未记入 {LOCK_NAME};发布前运行 penalty-rules lists lock",
                    file=files.get(key),
                    severity="warning",
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
