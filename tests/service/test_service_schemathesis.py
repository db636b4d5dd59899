"""Property-based fuzzing of the live server from its own /openapi.json: no input yields a 5xx."""

import json
import os
import subprocess
import sys
from pathlib import Path

MAX_EXAMPLES = int(os.environ.get("PENALTY_RULES_SCHEMATHESIS_EXAMPLES", "25"))


def test_schemathesis_no_server_errors(server, tmp_path):
    report = tmp_path / "schemathesis.json"
    cli = Path(sys.executable).with_name("schemathesis")
    cmd = [str(cli) if cli.exists() else "schemathesis", "run", server.url + "/openapi.json",
           "-H", f"X-API-Key: {server.keys['admin']}", "--checks", "not_a_server_error",
           "-n", str(MAX_EXAMPLES), "--seed", "20261127", "--request-timeout", "30",
           "--report-json-path", str(report)]
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=170)
    data = json.loads(report.read_text())
    tested = data["operations"]["tested"]
    cases = data["test_cases"]["generated"]
    print(f"schemathesis: {tested} operations, {cases} test cases, {data['running_time']:.1f} s, "
          f"failures {data['test_cases']['with_failures']}")
    assert run.returncode == 0, run.stdout[-4000:]
    assert data["test_cases"]["with_failures"] == 0 and not data["failures"] and not data["errors"]
    assert tested == data["operations"]["total"] >= 14 and cases > 500
    assert "未处理的错误" not in server.output() and "Traceback" not in server.output()
