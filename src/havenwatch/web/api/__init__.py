"""The JSON API under /api/v1: the same operations and permission checks as the pages."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from havenwatch.web.api import records, reviews, search
from havenwatch.web.api.models import ApiError, InvalidRequest
from havenwatch.web.errors import install_error_handlers
from havenwatch.web.shield import ErrorShield

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "Refused: the request breaks a rule"},
    401: {"model": ApiError, "description": "No valid API token"},
    403: {"model": ApiError, "description": "The token's role does not allow this"},
    404: {"model": ApiError, "description": "Nothing here, or not visible to this token"},
    422: {"model": InvalidRequest, "description": "Fields that could not be read"},
}


def create_api(state: Any, *, docs: bool) -> FastAPI:
    """A sub-application sharing the parent's database; its OpenAPI document is always served."""
    api = FastAPI(
        title="havenwatch API",
        version="1",
        description="Cases, events, people, sources, leads, search, deadlines and exports. "
        "Authenticate with a personal API token: `Authorization: Bearer hw_...`.",
        openapi_url="/openapi.json",
        docs_url="/docs" if docs else None,
        redoc_url=None,
    )
    api.state.db = state.db
    api.state.settings = state.settings
    api.state.templates = state.templates
    api.include_router(records.router, responses=ERROR_RESPONSES)
    api.include_router(reviews.router, responses=ERROR_RESPONSES)
    api.include_router(search.router, responses=ERROR_RESPONSES)
    install_error_handlers(api)
    api.add_middleware(ErrorShield)
    return api
