"""`serve --workers N` supervision (issue 12 review): one deployment per port, workers that end
with their supervisor (even on SIGKILL), sockets that listen only once the app has started, no
restart storm, a quiet Ctrl-C and the port shown with --port 0. No timing asserts: the waits
below are generous bounds for polling, not measurements."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.service.live_servers import ROOT, Server, server_env
from service import workers
from worker_targets import crash_after_start, crash_at_start

pytestmark = pytest.mark.skipif(not workers.available(), reason="SO_REUSEPORT workers: Linux only")


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return out


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = re.search(r"^State:\s+(\w)", status, re.M)
    return bool(state) and state.group(1) != "Z"


def _wait_gone(pids: set[int], within: float = 45) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = {p for p in pids if _running(p)}
        if not alive:
            return alive
        time.sleep(0.2)
    return {p for p in pids if _running(p)}


def _serve(var: Path, env: dict, *args: str, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "penalty_rules.cli.app", "serve", "--log-level", "warning",
                                 *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture
def two(tmp_path):
    var = tmp_path / "var"
    srv = Server(var, server_env(var)).start(workers=2)
    yield srv
    srv.stop()


def test_workers_end_when_the_supervisor_is_killed(two):
    workers_pids = _children(two.proc.pid)
    assert len(workers_pids) >= 2, workers_pids
    two.kill9()
    left = _wait_gone(workers_pids)
    for pid in left:  # do not leave them behind for the other tests
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers still running after the supervisor was killed: {left}"
    # the port and its lock are free again: a new deployment starts there
    again = Server(two.var, two.env).start(port=two.port, workers=2)
    try:
        assert httpx.get(again.url + "/healthz", timeout=10).status_code == 200
    finally:
        again.stop()


def _second_exit_code(var, env, port, log, what: str) -> int:
    """Start a second `serve --workers 2` on `port`; its exit status (a failure if it keeps running)."""
    second = _serve(var, env, "--port", str(port), "--workers", "2", log=log)
    try:
        return second.wait(90)
    except subprocess.TimeoutExpired:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
        pytest.fail(what)


def test_second_supervisor_on_the_same_port_refuses_to_start(two):
    log = two.var / "second.log"
    code = _second_exit_code(two.var, two.env, two.port, log,
                             "a second `serve --workers 2` on the same port started beside the first")
    output = log.read_text(errors="replace")
    assert code == workers.STARTUP_FAILURE, output
    assert re.search(r"[\u4e00-\u9fff]", output) and "已有" in output, output
    assert httpx.get(two.url + "/healthz", timeout=10).status_code == 200  # the first one still serves


def test_second_supervisor_with_another_var_dir_refuses_too(two, tmp_path):
    var = tmp_path / "other-var"
    var.mkdir()
    log = var / "second.log"
    code = _second_exit_code(var, server_env(var), two.port, log, "a second deployment started on a port in use")
    assert code == workers.STARTUP_FAILURE, log.read_text(errors="replace")


def test_ctrl_c_ends_the_workers_without_tracebacks(tmp_path):
    """A worker that gets SIGINT (Ctrl-C reaches every process of the group) before its supervisor
    stops it: uvicorn shuts down and re-raises SIGINT, which must not print a traceback."""
    var = tmp_path / "var"
    srv = Server(var, server_env(var)).start(workers=2)
    try:
        pids = {p for p in _children(srv.proc.pid) if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text()}
        assert len(pids) == 2, pids
        for pid in pids:
            os.kill(pid, signal.SIGINT)
        assert not _wait_gone(pids)
    finally:
        srv.stop()
    output = srv.output()
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output


def test_port_0_shows_the_port_chosen(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    log = var / "serve.log"
    proc = _serve(var, server_env(var), "--port", "0", "--workers", "2", log=log)
    try:
        deadline = time.monotonic() + 90
        port = None
        while time.monotonic() < deadline and port is None and proc.poll() is None:
            m = re.search(r"接口文档: http://127\.0\.0\.1:(\d+)/docs", log.read_text(errors="replace"))
            port = int(m.group(1)) if m else None
            time.sleep(0.2)
        assert port, log.read_text(errors="replace")
        assert port != 0
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"not serving on the port shown ({port}):\n{log.read_text(errors='replace')}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def test_worker_socket_does_not_listen_before_the_app_has_started():
    sock = workers._listen("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        with socket.socket() as client:
            client.settimeout(5)
            with pytest.raises(ConnectionRefusedError):
                client.connect(("127.0.0.1", port))
    finally:
        sock.close()


# ------------------------------------------------------------------ restart policy (in process)
# Worker functions for workers.run(target=...): tests/service/worker_targets.py (imported by name
# in the spawned children).


def _run_with_watchdog(*args, **kw) -> tuple[int, bool]:
    """workers.run, stopped by SIGTERM after a generous wait if it never returns by itself."""
    fired = threading.Event()

    def stop():
        fired.set()
        os.kill(os.getpid(), signal.SIGTERM)

    watchdog = threading.Timer(90, stop)
    watchdog.start()
    try:
        status = workers.run(*args, **kw)
    finally:
        watchdog.cancel()
    return status, fired.is_set()


def _run_target(tmp_path, target) -> tuple[int, bool, int]:
    """workers.run of 2 workers with `target`: (exit status, watchdog fired, targets that ran)."""
    marks = tmp_path / "marks"
    marks.mkdir()
    status, watchdog = _run_with_watchdog("127.0.0.1", 0, 2, {"marks": str(marks)}, var_dir=tmp_path, target=target)
    return status, watchdog, len(list(marks.iterdir()))


def test_first_generation_failing_at_start_stops_the_service(tmp_path):
    status, watchdog, started = _run_target(tmp_path, crash_at_start)
    assert not watchdog, "the supervisor kept restarting workers that never started"
    assert status == workers.STARTUP_FAILURE
    assert started, "the worker target never ran (the child failed before it)"


def test_replacements_are_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "RESTART_PAUSE", 0.05)
    status, watchdog, started = _run_target(tmp_path, crash_after_start)
    assert not watchdog, "restart storm: the supervisor never gave up"
    assert status == workers.RESTART_FAILURE
    assert started <= 2 + workers.RESTART_LIMIT, started  # the first generation + the restarts allowed
    assert started >= 2
