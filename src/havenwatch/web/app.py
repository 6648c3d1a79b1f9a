"""The web application factory: pages, JSON API, static assets and the security envelope."""

from __future__ import annotations

import os
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from havenwatch.core.file_modes import restrict_umask
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.instance import open_database
from havenwatch.store.database import Database
from havenwatch.web.api import create_api
from havenwatch.web.errors import install_error_handlers
from havenwatch.web.headers import SameOriginGuard, SecurityHeaders
from havenwatch.web.rendering import template_environment
from havenwatch.web.routes import PAGE_ROUTERS
from havenwatch.web.shield import ErrorShield, RefuseNul

DOCS_ENV = "HAVENWATCH_API_DOCS"


def create_app(
    settings: Settings, *, db: Database | None = None, api_docs: bool | None = None
) -> FastAPI:
    """The workspace for one instance. Interactive API docs only when asked for."""
    app = FastAPI(title="havenwatch", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.db = db or open_database(settings)
    app.state.db.refresh_planner_statistics()
    app.state.templates = template_environment()
    docs = api_docs if api_docs is not None else os.environ.get(DOCS_ENV) == "1"
    for router in PAGE_ROUTERS:
        app.include_router(router)
    static = resources.files("havenwatch.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.mount("/api/v1", create_api(app.state, docs=docs), name="api")
    install_error_handlers(app)
    app.add_middleware(RefuseNul)
    app.add_middleware(ErrorShield)
    app.add_middleware(SameOriginGuard)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The workspace named by the HAVENWATCH_* variables: what each server worker runs.

    `havenwatch serve` sets those variables from its options, then lets uvicorn start its
    workers; each one builds its own app, database engine and caches. Files a worker
    creates are owner-only (umask 077), however uvicorn was started.
    """
    restrict_umask()
    return create_app(resolve_settings())
