"""Web workbench (server-rendered pages under /web): see service.web.routes."""


def install(app) -> None:
    from service.web.routes import install as _install

    _install(app)
