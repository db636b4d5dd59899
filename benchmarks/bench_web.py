"""Server time of each web workbench page on the bundled lists (prints, asserts nothing).

The app runs in process (FastAPI TestClient) on a fresh SQLite audit log in a temporary var/
directory, logged in with the development keys. Server time is the page's own `Server-Timing:
app;dur=…` (from the route's start to the rendered page, audit commit included for an evaluation);
wall time adds the in-process HTTP round trip. Target: < 200 ms per page.

    .venv/bin/python benchmarks/bench_web.py [--runs 20]
"""

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="bench-web-")
    for k in ("DATABASE_URL", "PENALTY_RULES_ENV", "PENALTY_RULES_KEYS_FILE", "PENALTY_RULES_MIGRATE_URL"):
        os.environ.pop(k, None)
    os.environ["PENALTY_RULES_VAR"] = var
    from fastapi.testclient import TestClient

    from service.app import create_app

    with TestClient(create_app(), base_url="http://testserver") as c:
        keys = {k["role"]: k["key"] for k in json.loads((Path(var) / "dev-keys.json").read_text())["keys"]}
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/web/login").text).group(1)
        c.post("/web/login", data={"csrf_token": token, "api_key": keys["reviewer"], "next": "/web/check"})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/web/check").text).group(1)
        case = {"csrf_token": csrf, "conduct": "未按照规定期限办理纳税申报", "act_date": "2023-03-01",
                "party_type": "enterprise", "corrected": "before_discovery", "harm": "none", "first_offense": "true"}
        r = c.post("/web/check", data=case)
        decision_id = re.search(r'id="decision-id">([0-9a-f-]+)<', r.text).group(1)
        diff = "/web/lists/diff?from=cn-tax-first-offense@2021-6&to=cn-tax-first-offense@2021-33"
        pages = [
            ("登录页", "GET", "/web/login", None),
            ("案件评估(空表单)", "GET", "/web/check", None),
            ("案件评估(评估, 含审计提交)", "POST", "/web/check", case),
            ("案件评估(首问)", "POST", "/web/check", {"csrf_token": csrf, "conduct": "没按时报税"}),
            ("条目建议", "GET", "/web/suggest?q=没按时报税", None),
            ("清单(领域与版本)", "GET", "/web/lists", None),
            ("清单版本", "GET", "/web/lists/cn-tax-first-offense/versions/2021-33", None),
            ("条目", "GET", "/web/items/cn-tax-2021-6/03", None),
            ("版本比较", "GET", diff, None),
            ("版本比较(含影响)", "GET", diff + "&impact=1", None),
            ("决定记录查询", "GET", "/web/decisions", None),
            ("决定记录", "GET", f"/web/decisions/{decision_id}", None),
            ("重放", "POST", f"/web/decisions/{decision_id}/replay",
             {"csrf_token": csrf, "list_version": "cn-tax-first-offense@2021-33", "as_of": "2025-06-30"}),
            ("培训场景(表单)", "GET", "/web/scenarios", None),
        ]
        print(f"页面服务器时间(ms, {args.runs} 次; Server-Timing), 目标 < 200 ms")
        print(f"{'页面':<24}{'中位数':>10}{'p95':>10}{'最大':>10}{'往返中位数':>12}")
        for name, method, path, data in pages:
            server, wall = [], []
            for i in range(args.runs + 2):
                t0 = time.perf_counter()
                r = c.post(path, data=data) if method == "POST" else c.get(path)
                dt = (time.perf_counter() - t0) * 1000
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
                if i < 2:
                    continue  # warm-up
                m = re.search(r"app;dur=([0-9.]+)", r.headers.get("server-timing", ""))
                server.append(float(m.group(1)) if m else dt)
                wall.append(dt)
            server.sort()
            p95 = server[min(len(server) - 1, int(round(0.95 * (len(server) - 1))))]
            flag = "" if statistics.median(server) < 200 else "  (超过 200 ms)"
            print(f"{name:<24}{statistics.median(server):>10.1f}{p95:>10.1f}{max(server):>10.1f}"
                  f"{statistics.median(wall):>12.1f}{flag}")


if __name__ == "__main__":
    main()
