"""API keys: sent in the X-API-Key header, stored only as sha256, roles officer < reviewer < admin.

Dev mode: on first start a local key set (one key per role) is generated into var/dev-keys.json
(mode 0600) and its path printed. Production (PENALTY_RULES_ENV=production) refuses to start
unless PENALTY_RULES_KEYS_FILE names a keys file:
    {"keys": [{"name": "officer-1", "role": "officer", "sha256": "<hex sha256 of the key>"}]}
Names are unique, 1 to 64 characters (the audit columns api_keys.name and decisions.api_key are
VARCHAR(64)), without control characters; each sha256 appears once. Names are unique also as
people (penalty_rules.publish.status.person_key: NFKC, case folded, invisible characters removed):
`Reviewer-Li` beside `reviewer-li` is refused, as the four-eyes checks compare person_key.

Batch work is rate-limited per key name (RateLimiter, a token bucket): PENALTY_RULES_BATCH_RATE
units per minute, PENALTY_RULES_BATCH_BURST at once.
"""

import hashlib
import json
import os
import math
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from penalty_rules.publish.status import person_key

ROLES = {"officer": 1, "reviewer": 2, "admin": 3}
ROLES_ZH = {"officer": "执法人员", "reviewer": "法制审核人员", "admin": "管理员"}
HEADER = "X-API-Key"
KEY_NAME_MAX = 64  # VARCHAR(64) in service/alembic/versions/0001_*.py


class KeysError(Exception):
    """The key configuration is unusable; the service does not start."""


@dataclass(frozen=True)
class Principal:
    name: str
    role: str

    def allows(self, role: str) -> bool:
        return ROLES[self.role] >= ROLES[role]


def sha256_hex(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _check_entries(entries: list, where: str) -> list[dict]:
    out = []
    if not isinstance(entries, list) or not entries:
        raise KeysError(f"密钥文件 {where} 中没有密钥(须为 {{\"keys\": [...]}})")
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise KeysError(f"密钥文件 {where}: keys[{i}] 须为对象")
        role = e.get("role")
        if role not in ROLES:
            raise KeysError(f"密钥文件 {where}: keys[{i}].role 须为 officer、reviewer 或 admin 之一")
        digest = e.get("sha256") or (sha256_hex(e["key"]) if isinstance(e.get("key"), str) else None)
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise KeysError(f"密钥文件 {where}: keys[{i}] 须给出 64 位小写十六进制的 sha256")
        name = e.get("name")
        if name is None:
            name = f"{role}-{i}"
        if not isinstance(name, str) or not name.strip():
            raise KeysError(f"密钥文件 {where}: keys[{i}].name 须为非空字符串")
        if len(name) > KEY_NAME_MAX:
            raise KeysError(f"密钥文件 {where}: keys[{i}].name 过长({len(name)} 个字符, 至多 {KEY_NAME_MAX} 个,"
                            f" 审计库的密钥名称列为 VARCHAR({KEY_NAME_MAX}))")
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise KeysError(f"密钥文件 {where}: keys[{i}].name 不得含控制字符")
        if name.endswith("+"):  # the service's mark of a rotated key in api_keys (a later key of a known name)
            raise KeysError(f"密钥文件 {where}: keys[{i}].name {name!r} 不得以 + 结尾(审计库以 名称+ 标记轮换后的密钥)")
        if any(o["name"] == name for o in out):
            raise KeysError(f"密钥文件 {where}: keys[{i}].name {name!r} 重复(名称须唯一)")
        twin = next((o["name"] for o in out if person_key(o["name"]) == person_key(name)), None)
        if twin is not None:  # four eyes compares people: look-alike names would count as two
            raise KeysError(f"密钥文件 {where}: keys[{i}].name {name!r} 与 {twin!r} 只差大小写、全角半角、连接号的样式或不可见字符,"
                            " 会被当作同一人(四眼原则比较的是人); 请改用明显不同的名称")
        if not person_key(name):
            raise KeysError(f"密钥文件 {where}: keys[{i}].name 只含不可见字符")
        if any(o["key_sha256"] == digest for o in out):
            raise KeysError(f"密钥文件 {where}: keys[{i}] 的 sha256 与前面的密钥相同(每个密钥只能出现一次)")
        out.append({"name": name, "role": role, "key_sha256": digest})
    return out


def load_keys_file(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeysError(f"密钥文件不存在: {path}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeysError(f"密钥文件 {path} 不是有效的 JSON: {exc}") from None
    return _check_entries(data.get("keys") if isinstance(data, dict) else None, str(path))


def ensure_dev_keys(path: Path) -> tuple[list[dict], bool]:
    """Read the local dev key set, generating it on first start. Returns (entries, created)."""
    created = False
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = [
            {"name": f"dev-{role}", "role": role, "key": "pr_" + role[:3] + "_" + secrets.token_urlsafe(24)}
            for role in ROLES
        ]
        for k in keys:
            k["sha256"] = sha256_hex(k["key"])
        body = {
            "note": "本地开发用 API 密钥(仅供本机开发), 请求头 X-API-Key: <key>. 生产环境请配置 PENALTY_RULES_KEYS_FILE.",
            "keys": keys,
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False, indent=2)
        created = True
    os.chmod(path, 0o600)
    return load_keys_file(path), created


class KeyStore:
    """The active keys (hash → principal), built once at start-up."""

    def __init__(self, entries: list[dict]):
        self._by_hash = {e["key_sha256"]: Principal(e["name"], e["role"]) for e in entries}

    def lookup(self, key: str | None) -> Principal | None:
        if not key:
            return None
        return self._by_hash.get(sha256_hex(key))

    def lookup_sha256(self, digest: str | None) -> Principal | None:
        """The principal of a key given by its sha256."""
        return self._by_hash.get(digest) if digest else None

    def digests(self) -> list[str]:
        """The sha256 of every active key (web sessions name a key by an HMAC of it, service.web.session)."""
        return list(self._by_hash)

    def __len__(self) -> int:
        return len(self._by_hash)


class RateLimiter:
    """A token bucket per key name: `per_minute` units refill continuously up to `burst`.
    per_minute == 0 disables the limit. Thread-safe."""

    def __init__(self, per_minute: float, burst: float, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # name -> (tokens, at)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, name: str, cost: float) -> int:
        """Spend `cost` units of `name`'s budget: 0 when allowed, else the whole seconds to wait
        (for Retry-After) before the same request would be allowed; nothing is spent then."""
        if not self.enabled or cost <= 0:
            return 0
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(name, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= cost:
                self._buckets[name] = (tokens - cost, now)
                return 0
            self._buckets[name] = (tokens, now)
            return max(1, math.ceil((min(cost, self.burst) - tokens) / self.rate))
