"""HTTP benchmark: evaluations/s and p50/p99 latency at 1, 10 and 50 concurrent clients, with the
audit log on SQLite and on PostgreSQL, group commit and one-commit-per-request.

Starts `penalty-rules serve` in a subprocess on a free port (temporary var/ directory; PostgreSQL
in a fresh schema, dropped afterwards). The load comes from separate client processes using
http.client with keep-alive; on a small machine clients and server share the CPU, so the server's
own CPU use is printed to show what limits the figures.

    python benchmarks/bench_http.py [--seconds 5] [--clients 1,10,50] [--backends sqlite,postgresql]
                                    [--modes group,direct]
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("PENALTY_RULES_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BODY = json.dumps({"item_id": "cn-tax-2021-6/03", "act_date": "2023-03-20", "first_offense": True,
                   "harm": "minor", "corrected": "within_deadline"}).encode()


def distinct_bodies(n: int = 20_000) -> list[bytes]:
    """n different cases (items, facts and act dates vary): more than the service's decision memo
    holds (10,000), so cycling through them measures evaluations, not memo hits."""
    items = [f"cn-tax-2021-6/{i:02d}" for i in range(1, 11)] + ["cn-samr-2025-1/x06", "lc-practice-2022/parking-notified"]
    corrected = ["within_deadline", "promptly", "not_corrected", None]
    harm = ["none", "minor", "serious", None]
    out = []
    for i in range(n):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 2023 + (i // 336) % 3
        out.append(json.dumps({
            "item_id": items[i % len(items)], "act_date": f"{year}-{month:02d}-{day:02d}",
            "first_offense": (True, False, None)[i % 3], "harm": harm[(i // 3) % 4],
            "corrected": corrected[(i // 12) % 4],
        }).encode())
    return out
TARGET_RPS, TARGET_P99_MS = 2000, 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(var: Path, env_extra: dict) -> tuple[subprocess.Popen, int, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PENALTY_RULES_") and k != "DATABASE_URL"}
    env.update({"PENALTY_RULES_VAR": str(var)}, **env_extra)
    log = open(var / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "penalty_rules.cli.app", "serve", "--port", str(port),
                             "--log-level", "warning"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("server did not start: " + (var / "server.log").read_text())
    key = next(k["key"] for k in json.loads((var / "dev-keys.json").read_text())["keys"] if k["role"] == "officer")
    return proc, port, key


def _client_proc(port: int, key: str, threads: int, seconds: float, out: mp.Queue, repeat: bool = False,
                 offset: int = 0) -> None:
    import itertools
    import threading

    bodies = [BODY] if repeat else distinct_bodies()
    counter = itertools.count(offset * 7919)

    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    headers = {"Content-Type": "application/json", "X-API-Key": key}

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/v1/evaluate", bodies[next(counter) % len(bodies)], headers)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                errors[0] += 1
        with lock:
            lat.extend(mine)

    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((lat, errors[0]))


def load(port: int, key: str, clients: int, seconds: float, repeat: bool = False) -> dict:
    procs_n = min(clients, max(1, (os.cpu_count() or 2)))
    per = [clients // procs_n + (1 if i < clients % procs_n else 0) for i in range(procs_n)]
    q: mp.Queue = mp.Queue()
    ps = [mp.Process(target=_client_proc, args=(port, key, n, seconds, q, repeat, i)) for i, n in enumerate(per) if n]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    results = [q.get() for _ in ps]
    for p in ps:
        p.join()
    wall = time.perf_counter() - t0
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    n = len(lat)
    return {"clients": clients, "requests": n, "errors": errors, "rps": n / seconds,
            "p50_ms": 1000 * lat[n // 2] if n else float("nan"),
            "p99_ms": 1000 * lat[min(n - 1, int(n * 0.99))] if n else float("nan"),
            "mean_ms": 1000 * statistics.fmean(lat) if n else float("nan"), "wall": wall}


def ready(port: int, admin_key: str | None = None) -> dict:
    """/readyz; the audit counts (audit_commits, audit_rows) are shown to an admin key only."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/readyz", headers={"X-API-Key": admin_key} if admin_key else {})
    return json.loads(c.getresponse().read())


def engine_only(n: int = 2000) -> float:
    sys.path.insert(0, str(ROOT))
    from penalty_rules.engine.engine import Engine
    from penalty_rules.model.facts import CaseFacts

    engine = Engine.from_settings()
    cases = [CaseFacts.model_validate_json(b) for b in distinct_bodies(n)]
    for facts in cases[:100]:
        engine.evaluate(facts)
    t0 = time.perf_counter()
    for facts in cases:
        engine.evaluate(facts)
    return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--clients", default="1,10,50")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--modes", default="group,direct")
    ap.add_argument("--repeat", action="store_true",
                    help="send one identical case (answered from the decision memo) instead of 20,000 distinct ones")
    args = ap.parse_args()
    print("cases: " + ("one repeated case (decision memo warm)" if args.repeat else
                       "20,000 distinct cases, more than the decision memo holds (cold evaluations)"))
    clients = [int(c) for c in args.clients.split(",")]
    print(f"CPU: {os.cpu_count()} cores; engine alone (in process, durable-rules on, distinct cases): "
          f"{engine_only():.0f} evaluations/s")
    rows = []
    for backend in args.backends.split(","):
        for mode in args.modes.split(","):
            schema = None
            env = {"PENALTY_RULES_AUDIT_MODE": mode}
            if backend == "postgresql":
                try:
                    import psycopg

                    schema = "pr_bench_" + uuid.uuid4().hex[:8]
                    with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True, connect_timeout=3) as conn:
                        conn.execute(f'CREATE SCHEMA "{schema}"')
                except Exception as exc:  # noqa: BLE001
                    print(f"PostgreSQL unavailable ({exc}); skipping")
                    continue
                env["DATABASE_URL"] = f"{PG}?options=-csearch_path%3D{schema}"
            with tempfile.TemporaryDirectory() as tmp:
                proc, port, key = start_server(Path(tmp), env)
                admin = next(k["key"] for k in json.loads((Path(tmp) / "dev-keys.json").read_text())["keys"]
                             if k["role"] == "admin")
                try:
                    load(port, key, 10, 1.0)  # warm-up
                    for n in clients:
                        before_cpu, before = cpu_seconds(proc.pid), ready(port, admin)
                        r = load(port, key, n, args.seconds, args.repeat)
                        after_cpu, after = cpu_seconds(proc.pid), ready(port, admin)
                        commits = after["audit_commits"] - before["audit_commits"]
                        rows_ = after["audit_rows"] - before["audit_rows"]
                        r.update(backend=backend, mode=mode, server_cpu=(after_cpu - before_cpu) / r["wall"],
                                 commits=commits, rows_per_commit=rows_ / commits if commits else 0)
                        rows.append(r)
                        print(f"{backend:10} {mode:6} clients={n:3}  {r['rps']:7.0f} eval/s  "
                              f"p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  errors {r['errors']}  "
                              f"server CPU {100 * r['server_cpu']:4.0f}% of one core  "
                              f"commits/s {commits / r['wall']:6.0f}  rows/commit {r['rows_per_commit']:5.1f}",
                              flush=True)
                finally:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(30)
                    if schema:
                        import psycopg

                        with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as conn:
                            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    best = max(rows, key=lambda r: r["rps"]) if rows else None
    if best:
        met = best["rps"] >= TARGET_RPS and best["p99_ms"] <= TARGET_P99_MS
        print(f"\nbest: {best['rps']:.0f} eval/s ({best['backend']}, {best['mode']}, {best['clients']} clients, "
              f"p99 {best['p99_ms']:.1f} ms); target ≥{TARGET_RPS}/s with p99 ≤{TARGET_P99_MS:.0f} ms: "
              f"{'met' if met else 'NOT met'}")
        for r in rows:
            if r["clients"] < 10:
                continue
            if r["server_cpu"] > 0.85:
                why = "CPU-bound: one Python process ≈ one core (GIL); the load clients use the other core"
            elif r["mode"] == "direct":
                why = "waiting on one commit (fsync) per request"
            else:
                why = "waiting on the clients or on commits"
            print(f"limit {r['backend']:10} {r['mode']:6} clients={r['clients']:3}: {why}"
                  f" (server CPU {100 * r['server_cpu']:.0f}%, {r['rows_per_commit']:.1f} rows/commit)")


if __name__ == "__main__":
    main()
