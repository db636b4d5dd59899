"""Security of the workbench: sessions signed with the workbench's own secret (var/web-secret or
PENALTY_RULES_WEB_SECRET, not the audit salt) naming the key by an HMAC, never by its plain sha256;
log-out ending the session on the server for every worker; the idle timeout; non-ASCII cookies and
tokens; huge numbers in the form; the cookies' Secure flag; the scenario runner (one run at a time
across processes, a vanished process group, unique report names, pruning, a minimal environment)."""

import base64
import fcntl
import hashlib
import hmac
import json
import os
import re
import stat
import sys
import time

import httpx
import pytest

from webtest_helpers import WEB_SECRET, csrf_of, login_client

from service.web import facts_form, routes
from service.web.session import (COOKIE, IDLE, LIFETIME, TOUCH, Keys, Revocations, WebSecretError, WebSession,
                                 resolve_web_secret, same_token, secure_flag, sign, unsign)

def _payload(cookie: str) -> dict:
    body = cookie.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _fresh_client(server, cookie: str) -> httpx.Client:
    c = httpx.Client(base_url=server.url, timeout=60)
    c.cookies.set(COOKIE, cookie, path="/web")
    return c


def _session_cookie(server, role: str, **fields) -> str:
    """A cookie signed with the server's web secret (read from its var/ directory)."""
    secret = (server.var / "web-secret").read_text().strip().encode()
    keys = Keys.of(secret)
    sess = WebSession.new(keys.key_id(hashlib.sha256(server.keys[role].encode()).hexdigest()))
    payload = {**sess.payload(), **fields}
    if "iat" in fields and "exp" not in fields:
        payload["exp"] = fields["iat"] + LIFETIME
    return sign(keys.sign, payload)


# ----------------------------------------------------------------------------- 1. forgery
def test_web_secret_is_its_own_file_0600(web_server):
    path = web_server.var / "web-secret"
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() != (web_server.var / "audit-salt").read_text().strip()


def test_cookie_names_the_key_by_an_hmac_not_its_sha256(web_server):
    c = login_client(web_server, "officer")
    try:
        payload = _payload(c.cookies.get(COOKIE))
        digest = hashlib.sha256(web_server.keys["officer"].encode()).hexdigest()
        assert digest not in json.dumps(payload) and web_server.keys["officer"] not in json.dumps(payload)
        assert set(payload) == {"v", "s", "k", "c", "iat", "seen", "exp"}
        assert payload["exp"] - payload["iat"] == LIFETIME
    finally:
        c.close()


def test_salt_and_key_hash_do_not_make_a_session(web_server):
    """What the audit salt and the keys file (or the audit table api_keys) give is not enough."""
    salt = (web_server.var / "audit-salt").read_text().strip()
    digest = hashlib.sha256(web_server.keys["reviewer"].encode()).hexdigest()
    old_secret = hmac.new(salt.encode(), b"penalty-rules web session v1", hashlib.sha256).digest()
    now = int(time.time())
    forged = [
        sign(old_secret, {"k": digest, "c": "x" * 32, "exp": now + 3600}),  # the former scheme
        sign(Keys.of(salt.encode()).sign, {"v": 2, "s": "A" * 24, "k": digest, "c": "x" * 32, "iat": now,
                                           "seen": now, "exp": now + 3600}),
        sign(Keys.of(salt.encode()).sign, {"v": 2, "s": "A" * 24, "k": Keys.of(salt.encode()).key_id(digest),
                                           "c": "x" * 32, "iat": now, "seen": now, "exp": now + 3600}),
    ]
    for cookie in forged:
        with _fresh_client(web_server, cookie) as c:
            r = c.get("/web/decisions")
            assert r.status_code == 303 and r.headers["location"].startswith("/web/login")


def test_web_secret_resolution(tmp_path):
    first = resolve_web_secret("", tmp_path)
    assert resolve_web_secret("", tmp_path) == first and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "web-secret").stat().st_mode) == 0o600
    assert resolve_web_secret(WEB_SECRET, tmp_path / "none") == WEB_SECRET.encode()
    assert not (tmp_path / "none").exists()
    with pytest.raises(WebSecretError, match="PENALTY_RULES_WEB_SECRET"):
        resolve_web_secret("short", tmp_path)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "web-secret").write_text("abc\n")
    with pytest.raises(WebSecretError, match="过短"):
        resolve_web_secret("", tmp_path / "bad")


def _resolve_in_child(var):
    return resolve_web_secret("", var)


def test_processes_starting_together_share_one_secret(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(4) as pool:
        secrets_seen = set(pool.map(_resolve_in_child, [tmp_path] * 8))
    assert len(secrets_seen) == 1 and (tmp_path / "web-secret").read_bytes().strip() in secrets_seen


def test_start_is_refused_with_a_short_web_secret(tmp_path, monkeypatch):
    from service.app import StartupRefused, prepare
    from service.config import ServiceSettings

    for k in [k for k in os.environ if k.startswith("PENALTY_RULES_") or k == "DATABASE_URL"]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path))
    monkeypatch.setenv("PENALTY_RULES_WEB_SECRET", "too-short")
    with pytest.raises(StartupRefused, match="PENALTY_RULES_WEB_SECRET 过短"):
        prepare(ServiceSettings.from_env(), announce=False)


# ----------------------------------------------------------------------------- 2. log-out, idle timeout
def test_a_saved_cookie_is_dead_after_logout(web_server):
    c = login_client(web_server, "reviewer")
    try:
        saved = c.cookies.get(COOKIE)
        html = c.get("/web/check").text
        r = c.post("/web/logout", data={"csrf_token": csrf_of(html)})
        assert r.status_code == 303 and r.headers["location"] == "/web/login"
        assert 'pr_web_session=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    finally:
        c.close()
    with _fresh_client(web_server, saved) as c:  # the cookie replayed, as someone who copied it would
        for path in ("/web/check", "/web/decisions"):
            r = c.get(path)
            assert r.status_code == 303 and r.headers["location"].startswith("/web/login"), path
        r = c.post("/web/check", data={"csrf_token": _payload(saved)["c"], "item_id": "cn-tax-2021-6/03"})
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")


def test_idle_session_ends_and_an_active_one_slides(web_server):
    now = int(time.time())
    idle = _session_cookie(web_server, "officer", iat=now - IDLE - 120, seen=now - IDLE - 60)
    with _fresh_client(web_server, idle) as c:
        r = c.get("/web/check")
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
    active = _session_cookie(web_server, "officer", iat=now - IDLE - 120, seen=now - TOUCH - 5)
    with _fresh_client(web_server, active) as c:
        r = c.get("/web/check")
        assert r.status_code == 200
        renewed = r.cookies.get(COOKIE)
        assert renewed and _payload(renewed)["seen"] >= now
        assert _payload(renewed)["exp"] == _payload(active)["exp"]  # the absolute limit does not slide
    too_old = _session_cookie(web_server, "officer", iat=now - LIFETIME - 10, seen=now, exp=now + 100)
    with _fresh_client(web_server, too_old) as c:
        assert c.get("/web/check").status_code == 303


def test_session_payload_checks():
    now = time.time()
    s = WebSession.new("k" * 32, now)
    assert WebSession.from_payload(s.payload(), now) == s
    assert WebSession.from_payload(s.payload(), now + IDLE + 1) is None
    assert WebSession.from_payload({**s.payload(), "s": "bad id"}, now) is None
    assert WebSession.from_payload({"k": "a" * 64, "c": "x", "exp": int(now) + 10}, now) is None  # the old format
    assert not s.needs_touch(now) and s.touched(now + TOUCH).seen == int(now + TOUCH)


def test_revocations_are_shared_through_the_file(tmp_path):
    path = tmp_path / "web-revoked"
    a, b = Revocations(path), Revocations(path)
    assert not b.revoked("A" * 24)
    a.revoke("A" * 24, int(time.time()) + 100)
    assert b.revoked("A" * 24) and not b.revoked("B" * 24)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    a.COMPACT_BYTES = 200
    for i in range(10):  # expired entries: dropped once the file passes COMPACT_BYTES
        a.revoke(f"{i:02d}" + "C" * 22, int(time.time()) - 10)
    b.revoke("D" * 24, int(time.time()) + 100)
    a.revoke("E" * 24, int(time.time()) + 100)
    assert path.stat().st_size < 200
    fresh = Revocations(path)
    for r in (a, b, fresh):
        assert r.revoked("A" * 24) and r.revoked("D" * 24) and r.revoked("E" * 24)


# ----------------------------------------------------------------------------- 3. non-ASCII values
def test_non_ascii_tokens_are_refused_not_errors():
    assert unsign(b"k", "é.x") is None and unsign(b"k", "abc.令牌") is None
    assert not same_token("abc", "令牌") and not same_token("令牌", "令牌") and not same_token("abc", None)
    assert not same_token("abc", 12) and same_token("abc", "abc")


def test_non_ascii_cookie_and_csrf_over_http(web_server):
    with httpx.Client(base_url=web_server.url, timeout=60) as c:
        r = c.get("/web/check", headers={"Cookie": f"{COOKIE}=令牌.签名".encode()})
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
        r = c.post("/web/login", headers={"Cookie": "pr_web_login=令牌".encode()},
                   data={"csrf_token": "令牌", "api_key": web_server.keys["officer"]})
        assert r.status_code == 403 and "安全令牌" in r.text
    c = login_client(web_server, "officer")
    try:
        r = c.post("/web/check", data={"csrf_token": "令牌", "item_id": "cn-tax-2021-6/03"})
        assert r.status_code == 403 and "安全令牌" in r.text
    finally:
        c.close()


# ----------------------------------------------------------------------------- 4. long numbers
def test_huge_numbers_are_a_form_error_naming_the_field(officer_web):
    fields = facts_form.fields([], [])
    for name in ("age", "illegal_gains_yuan"):
        with pytest.raises(facts_form.FormError) as exc:
            facts_form.facts_from_form(_Form({name: "9" * 5000}), fields)
        assert exc.value.field == name and "过长" in exc.value.message
    with pytest.raises(facts_form.FormError) as exc:
        facts_form.apply_answer({}, _Form({"answer_fact": "age", "answer_type": "integer", "answer": "9" * 5000}))
    assert exc.value.field == "answer"
    with pytest.raises(facts_form.FormError):
        facts_form.apply_answer({}, _Form({"answer_fact": f"prior_offenses[{'9' * 5000}].same_conduct",
                                           "answer_type": "boolean", "answer": "true"}))
    html = officer_web.get("/web/check").text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "age": "9" * 5000})
    assert r.status_code == 422 and "age" in r.text and "周岁年龄" in r.text and "过长" in r.text
    r = officer_web.post("/web/check", data={"csrf_token": csrf_of(html), "extra.quantities.n": "1" * 5000})
    assert r.status_code == 422 and "extra.quantities.n" in r.text


class _Form(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


# ----------------------------------------------------------------------------- 5. Secure flag
def test_secure_flag_modes(monkeypatch):
    assert secure_flag("always", "http") and not secure_flag("never", "https")
    assert secure_flag("auto", "https") and not secure_flag("auto", "http")
    from service.config import ServiceSettings

    for k in ("PENALTY_RULES_WEB_SECURE_COOKIE", "PENALTY_RULES_ENV", "PENALTY_RULES_WEB_SECRET"):
        monkeypatch.delenv(k, raising=False)
    assert ServiceSettings.from_env().web_secure_cookie == "auto"
    monkeypatch.setenv("PENALTY_RULES_ENV", "production")
    assert ServiceSettings.from_env().web_secure_cookie == "always"
    monkeypatch.setenv("PENALTY_RULES_WEB_SECURE_COOKIE", "never")
    assert ServiceSettings.from_env().web_secure_cookie == "never"
    monkeypatch.setenv("PENALTY_RULES_WEB_SECURE_COOKIE", "yes")
    with pytest.raises(SystemExit, match="PENALTY_RULES_WEB_SECURE_COOKIE"):
        ServiceSettings.from_env()
    monkeypatch.setenv("PENALTY_RULES_WEB_SECURE_COOKIE", "auto")
    monkeypatch.setenv("PENALTY_RULES_WEB_SECRET", WEB_SECRET)
    ss = ServiceSettings.from_env()
    assert ss.web_secret == WEB_SECRET and WEB_SECRET not in repr(ss)


def test_auto_mode_over_http_sets_no_secure_flag(web_server):
    with httpx.Client(base_url=web_server.url) as c:
        r = c.get("/web/login")
        assert "secure" not in r.headers["set-cookie"].lower()


def _login_raw(server, role: str) -> str:
    """Log in over http although the cookies are Secure (httpx would not send them back): the
    session cookie's value."""
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.get("/web/login")
        assert "secure" in r.headers["set-cookie"].lower()
        pre = r.cookies.get("pr_web_login")
        r = c.post("/web/login", headers={"Cookie": f"pr_web_login={pre}"},
                   data={"csrf_token": csrf_of(r.text), "api_key": server.keys[role], "next": "/web/check"})
        assert r.status_code == 303
        assert re.search(r"pr_web_session=[^;]+;.*\bSecure\b", r.headers["set-cookie"], re.I), r.headers["set-cookie"]
        return r.cookies.get(COOKIE)


def test_secure_always_and_logout_across_workers(secure_server):
    assert not (secure_server.var / "web-secret").exists()  # the secret came from the environment
    cookie = _login_raw(secure_server, "reviewer")
    hdr = {"Cookie": f"{COOKIE}={cookie}"}
    with httpx.Client(base_url=secure_server.url, timeout=60) as c:
        for _ in range(6):  # new connections: either worker may answer
            r = c.get("/web/decisions", headers={**hdr, "Connection": "close"})
            assert r.status_code == 200
        r = c.post("/web/logout", headers=hdr, data={"csrf_token": _payload(cookie)["c"]})
        assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()
        for _ in range(8):
            r = c.get("/web/decisions", headers={**hdr, "Connection": "close"})
            assert r.status_code == 303 and r.headers["location"].startswith("/web/login")


# ----------------------------------------------------------------------------- 6. scenario runner
def test_one_scenario_run_at_a_time_across_processes(reviewer_web, web_server):
    """The run lock is a flock on var/web-scenario.lock: held here by another process (this test),
    the service refuses a run with 409."""
    fd = os.open(web_server.var / "web-scenario.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        html = reviewer_web.get("/web/scenarios").text
        r = reviewer_web.post("/web/scenarios/run", data={"csrf_token": csrf_of(html),
                                                          "feature": "road_traffic/liaocheng-practice.feature"})
        assert r.status_code == 409 and "正在进行" in r.text
    finally:
        os.close(fd)


def test_timeout_after_the_group_vanished_is_no_error(monkeypatch):
    real = os.killpg

    def killpg_too_late(pid, sig):
        real(pid, sig)
        raise ProcessLookupError(pid)

    monkeypatch.setattr(routes.os, "killpg", killpg_too_late)
    result = routes.run_job([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert "超过" in result["error"]


def test_scenario_job_gets_a_minimal_environment():
    env = routes.child_env({"PATH": "/bin", "HOME": "/h", "LANG": "C.UTF-8", "DATABASE_URL": "postgresql://x",
                            "PENALTY_RULES_AUDIT_SALT": "salt", "PENALTY_RULES_WEB_SECRET": "s",
                            "PENALTY_RULES_LISTS": "/l", "PENALTY_RULES_KEYS_FILE": "/k", "AWS_SECRET_ACCESS_KEY": "a"})
    assert env == {"PATH": "/bin", "HOME": "/h", "LANG": "C.UTF-8", "PENALTY_RULES_LISTS": "/l",
                   "PYTHONUNBUFFERED": "1"}


def test_scenario_job_environment_in_the_child(monkeypatch):
    monkeypatch.setenv("PENALTY_RULES_AUDIT_SALT", "leak-me")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///leak.db")
    code = "import json, os; print(json.dumps(sorted(os.environ)))"
    out = routes.run_job([sys.executable, "-c", code], timeout=60)
    assert "PENALTY_RULES_AUDIT_SALT" not in out and "DATABASE_URL" not in out and "PATH" in out


def test_reports_are_pruned_to_the_newest(tmp_path):
    names = [f"scenarios-20260101-{i:06d}-{i:08x}.html" for i in range(25)]
    for n in names:
        (tmp_path / n).write_text("x")
    (tmp_path / "other.txt").write_text("x")
    routes.prune_reports(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(names[5:] + ["other.txt"])
    assert routes.REPORT_NAME.fullmatch("scenarios-20261130-031500-0a1b2c3d.html")
    assert not routes.REPORT_NAME.fullmatch("scenarios-../x.html")


def test_reviewer_cannot_read_a_report_by_a_bad_name(reviewer_web):
    r = reviewer_web.get("/web/scenarios/reports/scenarios-1.html")
    assert r.status_code == 404 and "报告名称无效" in r.text

