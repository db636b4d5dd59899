"""`penalty-rules serve`: run the HTTP service with uvicorn.

On a fresh machine it creates var/, migrates the audit database, generates the dev keys
(var/dev-keys.json, 0600) and prints where they are and the /docs URL.
"""

import sys

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, min=0, max=65535, help="监听端口"),
    reload: str = typer.Option("no", help="代码变动时自动重载(yes/no, 仅开发时用)"),
    workers: int = typer.Option(1, min=1, max=16, help="工作进程数(每个进程各自加载一次引擎; 审计库每个进程一个写线程)"),
    log_level: str = typer.Option("info", help="uvicorn 日志级别"),
) -> None:
    """启动 HTTP 服务(FastAPI + uvicorn)。"""
    import uvicorn

    from service.app import StartupRefused, preflight, prepare
    from service.errors import http_protocol
    from service.config import ServiceSettings

    if reload not in ("yes", "no"):
        raise typer.BadParameter("--reload 须为 yes 或 no")
    ss = ServiceSettings.from_env()
    try:
        prepare(ss)  # var/, migrations, keys: fail here with a clear message, before uvicorn starts
        preflight(ss)  # the lists and the publication records (checked again by each worker at start-up)
    except StartupRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    from service import workers as worker_processes

    processes = reload == "no" and workers > 1 and worker_processes.available()

    def show_docs(real_port: int) -> None:
        typer.echo(f"接口文档: http://{shown}:{real_port}/docs", err=True)
        sys.stderr.flush()

    if not (processes and port == 0):  # --port 0 with workers: shown once the port is chosen
        show_docs(port)
    typer.echo(f"审计数据库: {ss.database_url.split('@')[-1] if not ss.sqlite else ss.database_url}", err=True)
    sys.stderr.flush()
    options = dict(log_level=log_level, access_log=False, timeout_keep_alive=5, limit_concurrency=ss.max_connections)

    if processes:
        # one listening socket per worker (SO_REUSEPORT): the kernel spreads the connections evenly;
        # one deployment per port (a lock file in var/)
        status = worker_processes.run(host, port, workers, options, var_dir=ss.var_dir,
                                      on_port=show_docs if port == 0 else None)
        if status:
            raise typer.Exit(status)
        return
    # slow clients: headers and body within PENALTY_RULES_BODY_TIMEOUT (service.errors), idle
    # kept-alive connections closed after 5 s, at most PENALTY_RULES_MAX_CONNECTIONS at once (503 beyond)
    uvicorn.run(
        "service.app:app_factory", factory=True, host=host, port=port, reload=reload == "yes",
        workers=None if reload == "yes" else workers,
        http=http_protocol() if reload == "no" and workers == 1 else "auto", **options,
    )
