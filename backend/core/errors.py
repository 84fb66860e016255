"""Errors the services raise, and how each becomes a JSON error response.

Services raise `ServiceError` subclasses and know nothing of HTTP; this module
is the one place that maps them (and every other exception) to
`{"status_code": ..., "detail": ...}`.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)


class ServiceError(Exception):
    status_code = HTTP_400_BAD_REQUEST

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(ServiceError):
    """Input that passed the schema but breaks a rule; names the field."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field


class NotAuthenticated(ServiceError):
    status_code = 401


class Forbidden(ServiceError):
    status_code = HTTP_403_FORBIDDEN


class NotFound(ServiceError):
    status_code = HTTP_404_NOT_FOUND


class Conflict(ServiceError):
    status_code = HTTP_409_CONFLICT


class PaymentRequired(ServiceError):
    """A plan limit was hit; the detail names the limit and how to raise it."""

    status_code = 402


class Unavailable(ServiceError):
    status_code = HTTP_503_SERVICE_UNAVAILABLE


class RateLimited(ServiceError):
    status_code = HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, detail: str, retry_after_seconds: float) -> None:
        super().__init__(detail)
        self.retry_after = max(1, math.ceil(retry_after_seconds))


class UpstreamUnavailable(ServiceError):
    """An outside service a request needs (payments, AI…) cannot be reached or failed; try later.

    Raised from the SDK's connection, timeout and 5xx errors, never with their
    message (it may quote the request): the detail names the service only.
    """

    status_code = HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self, service: str, detail: str | None = None, retry_after_seconds: int = 60) -> None:
        super().__init__(detail or f"{service} cannot be reached right now; try again in a minute")
        self.service = service
        self.retry_after = max(1, retry_after_seconds)


def _error(
    status_code: int,
    detail: str,
    extra: Any = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if extra:
        body["extra"] = extra
    return Response(
        content=body,
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _describe_validation(exc: ValidationException) -> str:
    """One sentence naming every field that failed, e.g. `body.email: Expected str, got int`."""
    problems = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        key = item.get("key")
        source = item.get("source")
        where = ".".join(str(p) for p in (source, key) if p)
        problems.append(f"{where}: {message}" if where else message)
    if not problems:
        return exc.detail or "Invalid request"
    return "Invalid request: " + "; ".join(problems)


def handle_validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    return _error(exc.status_code, _describe_validation(exc), extra=exc.extra)


def _decode_error_behind(exc: BaseException) -> msgspec.DecodeError | None:
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        if isinstance(cause, msgspec.DecodeError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def handle_http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    decode_error = _decode_error_behind(exc)
    if decode_error is not None:
        return _error(exc.status_code, f"Request body is not valid JSON: {decode_error}")
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        log.error("http_error", status_code=exc.status_code, detail=exc.detail)
        return _error(
            exc.status_code,
            "Internal server error" if exc.status_code == 500 else exc.detail,
        )
    return _error(exc.status_code, exc.detail, extra=exc.extra, headers=exc.headers)


def handle_service_error(_: Request[Any, Any, Any], exc: ServiceError) -> Response[Any]:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return _error(exc.status_code, exc.detail, headers=headers)


def handle_upstream_unavailable(_: Request[Any, Any, Any], exc: UpstreamUnavailable) -> Response[Any]:
    log.warning("upstream_unavailable", service=exc.service, cause=type(exc.__cause__).__name__)
    return _error(exc.status_code, exc.detail, headers={"Retry-After": str(exc.retry_after)})


def handle_redis_unavailable(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("redis_unavailable", error=str(exc))
    return _error(
        HTTP_503_SERVICE_UNAVAILABLE,
        "A backing service is unavailable; try again shortly",
        headers={"Retry-After": "5"},
    )


def handle_unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The traceback stays in the server log (and Sentry); the client gets no internals.
    log.exception(
        "unhandled_error",
        method=request.method,
        path=request.url.path,
        error_type=type(exc).__name__,
    )
    return _error(HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: handle_validation_error,
    HTTPException: handle_http_exception,
    ServiceError: handle_service_error,
    UpstreamUnavailable: handle_upstream_unavailable,
    RedisConnectionError: handle_redis_unavailable,
    RedisTimeoutError: handle_redis_unavailable,
    Exception: handle_unexpected_error,
}
