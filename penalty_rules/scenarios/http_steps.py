"""HTTP steps: the same cases sent to the real service (`penalty-rules serve`, uvicorn in a
subprocess on 127.0.0.1 and a free port, its own var/ directory with generated dev keys).

Registered next to the step library: `from penalty_rules.scenarios.http_steps import *`.
The server starts on first use and stops at the end of the session.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_bdd import parsers, then, when

from penalty_rules.config import PROJECT_ROOT
from penalty_rules.model.decision import BasisEntry
from penalty_rules.scenarios.steps import _expand_priors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def scenario_server():
    import httpx

    var = Path(tempfile.mkdtemp(prefix="penalty-scenarios-var-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PENALTY_RULES_") and k != "DATABASE_URL"}
    env.update({"PENALTY_RULES_VAR": str(var), "PYTHONUNBUFFERED": "1"})
    for k in ("PENALTY_RULES_LISTS", "PENALTY_RULES_STATUTES"):
        if k in os.environ:
            env[k] = os.environ[k]
    port = _free_port()
    log = open(var / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "penalty_rules.cli.app", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"服务启动失败: {(var / 'server.log').read_text(errors='replace')}")
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("服务 60 秒内未就绪")
            time.sleep(0.2)
        keys = {k["role"]: k["key"] for k in json.loads((var / "dev-keys.json").read_text())["keys"]}
        yield SimpleNamespace(url=url, keys=keys)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        log.close()


def _view(body: dict) -> SimpleNamespace:
    """The compact JSON decision, readable by the step library's 那么 steps."""
    return SimpleNamespace(
        outcome=body["outcome"], outcome_zh=body["outcome_zh"], possible_outcomes=body.get("possible_outcomes", []),
        chosen_item=body.get("chosen_item"), chosen_rule=body.get("chosen_rule"), items=[],
        basis=[BasisEntry.model_validate(b) for b in body.get("basis", [])],  # with `document`: 参考依据 split as in-process
        measures=body.get("measures", []),
        missing_facts=[SimpleNamespace(fact=m["fact"], question=m["question"]) for m in body.get("missing_facts", [])],
        warnings=body.get("warnings", []), summary=body.get("summary", ""),
    )


def _post(case, server, key):
    import httpx

    from penalty_rules.scenarios.steps import DEFAULT_TODAY

    _expand_priors(case)
    facts = dict(case.facts)
    facts.setdefault("decision_date", DEFAULT_TODAY.isoformat())
    headers = {"X-API-Key": key} if key else {}
    r = httpx.post(server.url + "/v1/evaluate", json=facts, headers=headers, timeout=30)
    case.http = r
    if r.status_code == 200:
        case.decision = _view(r.json())


@when("执法人员通过接口提交案情")
def _http_submit(case, scenario_server):
    _post(case, scenario_server, scenario_server.keys["officer"])


@when("未带密钥通过接口提交案情")
def _http_submit_anonymous(case, scenario_server):
    _post(case, scenario_server, None)


@then(parsers.parse("接口返回状态码 {code:d}"))
def _http_status(case, code):
    r = getattr(case, "http", None)
    actual = f"{r.status_code} {r.text[:200]}" if r is not None else "(未调用接口)"
    case.check("接口状态码", str(code), actual, r is not None and r.status_code == code)


@then(parsers.parse('接口返回错误字段 "{field}"'))
def _http_error_field(case, field):
    r = getattr(case, "http", None)
    text = r.text if r is not None else ""
    case.check("接口错误字段", field, text[:300], r is not None and field in text)
