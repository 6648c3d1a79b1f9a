"""The web application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from havenwatch.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="havenwatch", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return "<!doctype html><title>havenwatch</title><h1>havenwatch</h1>"

    return app
