"""`penalty-rules serve --workers N` (N > 1) on Linux: N uvicorn processes, each with its own
listening socket on the same port (SO_REUSEPORT), so that the kernel spreads the connections over
the workers (issue 12, HTTP tail latency).

With uvicorn's own supervisor all workers accept from one shared socket: whichever is awake takes
every connection waiting, and a burst of new connections lands mostly on one worker (measured
with 50 clients: 38 / 13, 35 / 16). Each worker's evaluations run one at a time (GIL), so the
busier worker's clients wait ~3x longer: that worker sets the p99. Each worker also gets the
request-header timeout protocol (service.errors.http_protocol), which uvicorn's supervisor cannot
pass to its workers (it pickles the configuration).

The parent only supervises: SIGTERM / SIGINT stop every worker (each finishes its requests and
closes its audit writer). A worker of the first generation that ends before its app has started
(a configuration problem: every replacement would fail the same way) stops the service with exit
status 3, as uvicorn does. A worker that dies later is replaced after a pause that doubles with
each recent restart (RESTART_PAUSE .. RESTART_PAUSE_MAX); more than RESTART_LIMIT restarts within
RESTART_WINDOW seconds stop the service (exit status 1) instead of a restart storm.

One deployment per port: the supervisor holds an exclusive lock on
<var>/penalty-rules-serve-<host>-<port>.lock, which its workers inherit and hold until they end, so a
second `serve --workers N` on the same port refuses to start (exit status 3) instead of listening
beside them (SO_REUSEPORT would let it). Workers end with their supervisor (PR_SET_PDEATHSIG, and a
check of the parent's pid after setting it), even when it is killed with SIGKILL.

Each worker only binds its socket; uvicorn listens once the app has started, so the kernel never
routes a connection to a worker that is not accepting yet.
"""

import ctypes
import errno
import multiprocessing
import os
import re
import signal
import socket
import sys
import time
from multiprocessing import reduction
from pathlib import Path

STARTUP_FAILURE = 3
RESTART_FAILURE = 1
RESTART_LIMIT = 5  # restarts within RESTART_WINDOW seconds; one more stops the service
RESTART_WINDOW = 60.0
RESTART_PAUSE = 0.5  # seconds before a restart, doubled for each restart within the window
RESTART_PAUSE_MAX = 10.0
PR_SET_PDEATHSIG = 1


def available() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def lock_path(var_dir: Path, host: str, port: int) -> Path:
    return Path(var_dir) / f"penalty-rules-serve-{re.sub(r'[^A-Za-z0-9._-]', '_', host)}-{port}.lock"


def _take_lock(path: Path) -> int | None:
    """The lock file's descriptor, locked (exclusive); None when another deployment holds it."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


class _InheritedFd:
    """A descriptor handed to a spawned worker (the same open file, so the same flock)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return _InheritedFd._rebuild, (reduction.DupFd(self.fd),)

    @staticmethod
    def _rebuild(dup) -> "_InheritedFd":
        return _InheritedFd(dup.detach())


def _die_with_parent(parent: int) -> None:
    """SIGTERM when the supervisor ends (even by SIGKILL); exit now if it already has."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:
        sys.exit(0)


def _listen(host: str, port: int) -> socket.socket:
    """Bound, not listening: uvicorn (asyncio / uvloop create_server) listens once the app has started."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, options: dict, parent: int, lock: _InheritedFd | None, started) -> None:
    # in the child process; `lock` stays open (and locked) until the process ends
    _die_with_parent(parent)
    import uvicorn

    from service.errors import http_protocol

    try:
        sock = _listen(host, port)
    except OSError as exc:
        print(f"工作进程无法监听 {host}:{port}: {exc}", file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started:
                started.value = 1

    config = uvicorn.Config("service.app:app_factory", factory=True, host=host, port=port, http=http_protocol(),
                            **options)
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C: uvicorn has shut down and re-raised SIGINT; no traceback
        sys.exit(0)
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def _port_taken(host: str, port: int) -> bool:
    """Something already listens on the port (another deployment's workers bind with SO_REUSEPORT:
    a bind without it fails)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def run(host: str, port: int, workers: int, options: dict, var_dir: Path | None = None,
        on_port=None, target=None) -> int:
    """Serve with `workers` processes until SIGTERM / SIGINT; the exit status for the command.
    on_port(port) is called once the port is known (with --port 0: the one chosen); target: the
    worker function (tests), _worker by default."""
    target = target or _worker
    holder = None
    if port == 0:  # one port for all: take a free one and hold it (not listening) while they bind
        holder = _listen(host, 0)
        port = holder.getsockname()[1]
    lock_fd = None
    if var_dir is not None:
        path = lock_path(var_dir, host, port)
        lock_fd = _take_lock(path)
        if lock_fd is None:
            print(f"端口 {host}:{port} 已有 penalty-rules serve 在运行(锁文件 {path} 被占用), 本服务未启动",
                  file=sys.stderr, flush=True)
            if holder is not None:
                holder.close()
            return STARTUP_FAILURE
    if holder is None and _port_taken(host, port):
        print(f"地址 {host}:{port} 已被占用, 本服务未启动", file=sys.stderr, flush=True)
        if lock_fd is not None:
            os.close(lock_fd)
        return STARTUP_FAILURE
    if on_port is not None:
        on_port(port)
    spawn = multiprocessing.get_context("spawn")
    stop: list[int] = []
    inherited = _InheritedFd(lock_fd) if lock_fd is not None else None

    def start() -> tuple[multiprocessing.Process, object]:
        started = spawn.RawValue("b", 0)
        proc = spawn.Process(target=target, args=(host, port, options, os.getpid(), inherited, started),
                             name="penalty-rules-worker")
        proc.start()
        return proc, started

    previous = {sig: signal.signal(sig, lambda s, _f: stop.append(s)) for sig in (signal.SIGTERM, signal.SIGINT)}
    procs: list = []
    status = 0
    try:
        procs = [start() for _ in range(workers)]
        first = [True] * workers  # the first generation: an early end is a start-up failure
        due: dict[int, float] = {}  # worker slot → when its replacement starts
        restarts: list[float] = []  # when the recent restarts were decided
        while not stop:
            time.sleep(0.2)
            now = time.monotonic()
            for i, (proc, started) in enumerate(procs):
                if stop:
                    break
                if i in due:
                    if now < due[i]:
                        continue
                    del due[i]
                    procs[i] = start()
                    first[i] = False
                    continue
                if proc.is_alive():
                    continue
                if first[i] and not started.value:
                    print(f"工作进程 {proc.pid} 启动失败(状态 {proc.exitcode}), 服务停止", file=sys.stderr, flush=True)
                    status = STARTUP_FAILURE
                    stop.append(0)
                    break
                restarts[:] = [t for t in restarts if now - t < RESTART_WINDOW]
                if len(restarts) >= RESTART_LIMIT:
                    print(f"工作进程 {proc.pid} 已退出(状态 {proc.exitcode}); {RESTART_WINDOW:g} 秒内已重启 "
                          f"{len(restarts)} 次, 服务停止, 请查看上面的错误", file=sys.stderr, flush=True)
                    status = RESTART_FAILURE
                    stop.append(0)
                    break
                pause = min(RESTART_PAUSE * 2 ** len(restarts), RESTART_PAUSE_MAX)
                restarts.append(now)  # counted when decided, so that slots failing together count each
                print(f"工作进程 {proc.pid} 已退出(状态 {proc.exitcode}), {pause:g} 秒后重新启动",
                      file=sys.stderr, flush=True)
                due[i] = now + pause
    finally:
        for proc, _ in procs:
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc, _ in procs:
            proc.join(max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if holder is not None:
            holder.close()
        if lock_fd is not None:
            os.close(lock_fd)
    return status
