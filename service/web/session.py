"""Web sessions: a signed cookie (HMAC-SHA256), HttpOnly and SameSite=Strict, CSRF tokens, and
server-side revocation.

The signing secret is the workbench's own: PENALTY_RULES_WEB_SECRET (at least 32 characters), else
a random secret generated once into var/web-secret (mode 0600, created with O_EXCL so concurrent
starts agree; every `--workers` process reads the same file). It is independent of the audit salt,
the keys file and the audit database: reading those does not let anyone make a session.

The cookie holds a random session id, a key id (HMAC of the key's sha256 under the secret, neither
the key nor its plain hash, which sit in the keys file and the audit table api_keys), a CSRF token,
the issue time, the time of the last activity and the absolute expiry. A session ends
- on log-out: its id is appended to var/web-revoked (read by every worker, cached by mtime);
- after IDLE seconds without a request (sliding: the cookie is re-issued at most once a minute);
- LIFETIME seconds after log-in, whatever the activity;
- when its key leaves the keys file (and the service restarts).
Nothing about the case is kept in the session.

Before login, the login form is protected by a double-submit token: a random value in a
short-lived cookie and the same value in a hidden field.
"""

import base64
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

log = logging.getLogger("penalty_rules.service.web")

COOKIE = "pr_web_session"
PRE_COOKIE = "pr_web_login"
CSRF_FIELD = "csrf_token"
LIFETIME = 8 * 3600  # seconds: one working day, absolute
IDLE = 30 * 60  # seconds without a request after which a session ends (sliding)
TOUCH = 60  # the cookie's last-activity time is renewed at most this often
PRE_LIFETIME = 1800
MAX_TOKEN = 4096

SECRET_ENV = "PENALTY_RULES_WEB_SECRET"
SECRET_FILE = "web-secret"
REVOKED_FILE = "web-revoked"
MIN_SECRET = 32
SECURE_MODES = ("auto", "always", "never")
_SID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class WebSecretError(Exception):
    pass


# ----------------------------------------------------------------------------- the secret
def _read_secret(path: Path) -> str | None:
    """The secret in the file; waits briefly while another process is still writing it."""
    deadline = time.monotonic() + 5
    while True:
        try:
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (UnicodeDecodeError, OSError) as exc:
            raise WebSecretError(f"工作台会话密钥文件 {path} 无法读取: {type(exc).__name__}") from None
        if text or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if len(text) < MIN_SECRET:
        raise WebSecretError(f"工作台会话密钥文件 {path} 内容过短(至少 {MIN_SECRET} 个字符); 删除它即可重新生成")
    return text


def resolve_web_secret(configured: str, var_dir: Path, production: bool = False, announce: bool = False) -> bytes:
    """PENALTY_RULES_WEB_SECRET; unset, var/web-secret, generated once (random, 0600, O_CREAT|O_EXCL:
    of processes starting together, one writes it and the others read it). Raises WebSecretError."""
    if configured:
        if len(configured) < MIN_SECRET:
            raise WebSecretError(f"{SECRET_ENV} 过短(至少 {MIN_SECRET} 个字符)")
        return configured.encode("utf-8")
    path = Path(var_dir) / SECRET_FILE
    text = _read_secret(path)
    created = False
    if text is None:
        value = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race
            text = _read_secret(path)
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(value + "\n")
            text, created = value, True
    if text is None:
        raise WebSecretError(f"工作台会话密钥文件 {path} 无法创建")
    if announce and not created and os.stat(path).st_mode & 0o077:
        print(f"注意: 工作台会话密钥文件 {path} 可被其他用户读取, 请改为权限 0600", file=sys.stderr, flush=True)
    if announce and (created or production):
        what = "已生成工作台会话密钥" if created else "工作台会话密钥"
        note = f"; 生产环境建议设置 {SECRET_ENV}(多台服务器须相同)" if production else ""
        print(f"{what}: {path} (权限 0600{note})", file=sys.stderr, flush=True)
        if production:
            log.warning("生产环境未设置 %s, 工作台会话密钥取自 %s", SECRET_ENV, path)
    return text.encode("ascii")


@dataclass(frozen=True)
class Keys:
    """Keys derived from the secret: one signs cookies, one names API keys in them."""

    sign: bytes
    ident: bytes

    @classmethod
    def of(cls, secret: bytes) -> "Keys":
        return cls(hmac.new(secret, b"penalty-rules web session v2", hashlib.sha256).digest(),
                   hmac.new(secret, b"penalty-rules web key id v2", hashlib.sha256).digest())

    def key_id(self, key_sha256: str) -> str:
        return hmac.new(self.ident, key_sha256.encode("ascii"), hashlib.sha256).hexdigest()[:32]


# ----------------------------------------------------------------------------- signed tokens
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: bytes, payload: dict) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    mac = _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())
    return f"{body}.{mac}"


def unsign(secret: bytes, token: str | None) -> dict | None:
    """The payload of a valid, unexpired token; None otherwise (also for any non-ASCII token)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN or not token.isascii():
        return None
    if token.count(".") != 1:
        return None
    body, mac = token.split(".")
    expected = _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())
    if not hmac.compare_digest(mac.encode("ascii"), expected.encode("ascii")):
        return None
    try:
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int) or payload["exp"] < time.time():
        return None
    return payload


# ----------------------------------------------------------------------------- sessions
@dataclass(frozen=True)
class WebSession:
    sid: str
    key_id: str
    csrf: str
    iat: int
    seen: int
    exp: int

    @classmethod
    def new(cls, key_id: str, now: float | None = None) -> "WebSession":
        t = int(time.time() if now is None else now)
        return cls(secrets.token_urlsafe(18), key_id, secrets.token_urlsafe(24), t, t, t + LIFETIME)

    def payload(self) -> dict:
        return {"v": 2, "s": self.sid, "k": self.key_id, "c": self.csrf, "iat": self.iat, "seen": self.seen,
                "exp": self.exp}

    @classmethod
    def from_payload(cls, p: dict | None, now: float | None = None) -> "WebSession | None":
        """The session of a verified payload, or None (old format, idle too long, beyond its lifetime)."""
        if not p or p.get("v") != 2:
            return None
        s, k, c = p.get("s"), p.get("k"), p.get("c")
        iat, seen, exp = p.get("iat"), p.get("seen"), p.get("exp")
        if not (isinstance(s, str) and _SID.match(s) and isinstance(k, str) and isinstance(c, str) and c):
            return None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, seen, exp)):
            return None
        t = time.time() if now is None else now
        if exp < t or exp - iat > LIFETIME or t - seen > IDLE:
            return None
        return cls(s, k, c, iat, seen, exp)

    def needs_touch(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) - self.seen >= TOUCH

    def touched(self, now: float | None = None) -> "WebSession":
        return replace(self, seen=int(time.time() if now is None else now))


def pre_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(expected, given) -> bool:
    """Constant-time comparison of two ASCII tokens; False for a missing, non-text or non-ASCII value."""
    if not isinstance(expected, str) or not isinstance(given, str) or not expected or not given:
        return False
    if not expected.isascii() or not given.isascii():
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii"))


def secure_flag(mode: str, scheme: str) -> bool:
    """The cookies' Secure attribute: always, never, or auto (when the request came over https)."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return scheme == "https"


def cookie_args(secure: bool, max_age: int) -> dict:
    return {"httponly": True, "samesite": "strict", "secure": secure, "path": "/web", "max_age": max_age}


# ----------------------------------------------------------------------------- revocation
class Revocations:
    """Ended sessions: var/web-revoked, one `<session id> <expiry>` line each, appended under an
    exclusive flock (var/web-revoked.lock) and read by every worker process. Reads stat the file
    and parse only what was appended since (a changed inode or a shorter file: read it all again).
    When the file passes COMPACT_BYTES, the lines of sessions that expired anyway are dropped
    (rewritten to a temporary file and renamed over it, under the same lock)."""

    COMPACT_BYTES = 256 * 1024

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._ino: int | None = None
        self._offset = 0
        self._sig: tuple | None = None

    def _refresh(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._ids, self._ino, self._offset, self._sig = {}, None, 0, None
            return
        sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        if sig == self._sig:
            return
        if st.st_ino != self._ino or st.st_size < self._offset:
            self._ids, self._offset = {}, 0
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1  # complete lines only
        for line in data[:end].decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and _SID.match(parts[0]) and parts[1].isdigit():
                self._ids[parts[0]] = int(parts[1])
        self._offset += end
        self._ino = st.st_ino
        self._sig = (st.st_ino, self._offset, st.st_mtime_ns) if end == len(data) else None

    def revoked(self, sid: str) -> bool:
        with self._lock:
            self._refresh()
            return sid in self._ids

    def revoke(self, sid: str, exp: int) -> None:
        if not _SID.match(sid):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(str(self.path) + ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, f"{sid} {int(exp)}\n".encode("ascii"))
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            if size > self.COMPACT_BYTES:
                self._compact()
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)
        with self._lock:
            self._ids[sid] = int(exp)

    def _compact(self) -> None:
        now = time.time()
        keep = []
        for line in self.path.read_text(encoding="ascii", errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) >= now:
                keep.append(line)
        tmp = self.path.with_name(self.path.name + f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write("".join(x + "\n" for x in keep))
        os.replace(tmp, self.path)
