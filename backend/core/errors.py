"""Errors the services raise, and how each becomes a JSON error response.

Services raise `ServiceError` subclasses and know nothing of HTTP; this module
is the one place that maps them (and every other exception) to
`{"status_code": ..., "detail": ...}`.
"""

from __future__ import annotations

import math
import re
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


# --- validation messages for people ------------------------------------------------

# What a person should type, for the regular expressions a schema uses: msgspec's
# "must match ^[A-Z]{3}$" means nothing to them. Schemas register theirs where
# they define them, with `explain_pattern`.
PATTERN_HINTS: dict[str, str] = {}


def explain_pattern(pattern: str, hint: str) -> str:
    """Register what `pattern` asks for, in words (e.g. "use a 3-letter code like EUR"); returns `pattern`."""
    PATTERN_HINTS[repr(pattern)] = hint  # msgspec's message shows the pattern as its repr
    return pattern


_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "bool": "true or false",
    "array": "a list",
    "object": "an object",
    "uuid": "an ID",
    "datetime": "a date and time",
    "date": "a date",
    "time": "a time",
    "bytes": "base64 text",
}
_LABEL_WORDS = {"id": "ID", "ids": "IDs", "url": "URL", "ai": "AI"}
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_TYPE_MISMATCH = re.compile(r"^Expected `([^`]+)`, got `([^`]+)`$")
_LENGTH = re.compile(r"^Expected `([^`]+)` of length (>=|<=) (\d+)$")
_BOUND = re.compile(r"^Expected `([^`]+)` (>=|<=|>|<) (\S+)$")
_MULTIPLE = re.compile(r"^Expected `[^`]+` that's a multiple of (\S+)$")
_PATTERN = re.compile(r"^Expected `str` matching regex (.*)$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `([^`]+)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `([^`]+)`$")
_ENUM = re.compile(r"^Invalid enum value (.+)$")
_MISSING_PARAMETER = re.compile(r"^Missing required (\w+) parameter '([^']+)'")
_FIXED = {
    "Invalid UUID": "is not a valid ID (like 123e4567-e89b-12d3-a456-426614174000)",
    "Invalid RFC3339 encoded datetime": "is not a valid date and time (like 2026-11-30T15:00:00Z)",
    "Invalid RFC3339 encoded date": "is not a valid date (like 2026-11-30)",
    "Invalid RFC3339 encoded time": "is not a valid time (like 15:00:00)",
    "Expected `datetime` with a timezone component": "add a time zone (like 2026-11-30T15:00:00Z)",
    "Expected `time` with a timezone component": "add a time zone (like 15:00:00Z)",
    "Expected `datetime` with no timezone component": "leave out the time zone",
    "Invalid base64 encoded string": "is not valid base64",
    "Invalid decimal string": "is not a valid number",
    "Integer value out of range": "is too large",
}


def _path_parts(key: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _PATH_PART.findall(key)]


def field_label(parts: list[str | int]) -> str:
    """`items[0].unit_price` -> "Items 1 unit price"; the whole request when there is no path."""
    words: list[str] = []
    for part in parts:
        if isinstance(part, int):
            words.append(str(part + 1))
        else:
            words.extend(_LABEL_WORDS.get(word.lower(), word) for word in part.replace("_", " ").split())
    label = " ".join(words)
    return label[:1].upper() + label[1:] if label else "Request"


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def _expected(type_names: str) -> str:
    names = [name for name in type_names.split(" | ") if name != "null"]
    return " or ".join(_TYPE_WORDS.get(name, name) for name in names) or "nothing"


def _length_message(type_name: str, op: str, size: int) -> str:
    if type_name.startswith("str"):
        if op == ">=" and size == 1:
            return "cannot be empty"
        unit = "character" if size == 1 else "characters"
    elif type_name.startswith("object"):
        unit = "entry" if size == 1 else "entries"
    else:
        unit = "item" if size == 1 else "items"
    return f"use at {'least' if op == '>=' else 'most'} {size:,} {unit}"


_BOUND_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}


def _human(message: str, allowed: tuple[Any, ...] | None) -> str:
    """msgspec's message about one value, in words (the field label is added by the caller)."""
    if message in _FIXED:
        return _FIXED[message]
    if match := _TYPE_MISMATCH.match(message):
        return f"expected {_expected(match[1])}"
    if match := _LENGTH.match(message):
        return _length_message(match[1], match[2], int(match[3]))
    if match := _BOUND.match(message):
        return f"must be {_BOUND_WORDS[match[2]]} {_number(match[3])}"
    if match := _MULTIPLE.match(message):
        return f"must be a multiple of {_number(match[1])}"
    if match := _PATTERN.match(message):
        return PATTERN_HINTS.get(match[1], "has characters or a format that is not allowed here")
    if _ENUM.match(message):
        if allowed:
            return "must be one of " + ", ".join(str(value) for value in allowed)
        return "is not one of the accepted values"
    return message.replace("`", "")


def _unwrap(info: Any) -> list[Any]:
    """The alternatives a type stands for: metadata dropped, unions opened, `null` left out."""
    while isinstance(info, msgspec.inspect.Metadata):
        info = info.type
    if isinstance(info, msgspec.inspect.UnionType):
        return [alt for member in info.types for alt in _unwrap(member)]
    return [] if isinstance(info, msgspec.inspect.NoneType) else [info]


def _step(info: Any, part: str | int) -> Any:
    for alt in _unwrap(info):
        if isinstance(alt, msgspec.inspect.StructType) and isinstance(part, str):
            for struct_field in alt.fields:
                if part in (struct_field.encode_name, struct_field.name):
                    return struct_field.type
        elif isinstance(part, int) and hasattr(alt, "item_type"):
            return alt.item_type
        elif isinstance(alt, msgspec.inspect.DictType):
            return alt.value_type
    return None


def _allowed_values(request: Request[Any, Any, Any], source: str, parts: list[str | int]) -> tuple[Any, ...] | None:
    """The values a Literal or Enum field accepts, found by walking the handler's parameter type along the path."""
    try:
        parameters = request.route_handler.parsed_fn_signature.parameters
    except Exception:
        return None
    name, rest = ("data", parts) if source == "body" else (str(parts[0]) if parts else "", parts[1:])
    parameter = parameters.get(name)
    if parameter is None:
        return None
    try:
        info: Any = msgspec.inspect.type_info(parameter.annotation)
    except (TypeError, ValueError):
        return None
    for part in rest:
        info = _step(info, part)
        if info is None:
            return None
    for alt in _unwrap(info):
        if isinstance(alt, msgspec.inspect.LiteralType):
            return tuple(alt.values)
        if isinstance(alt, msgspec.inspect.EnumType):
            return tuple(member.value for member in alt.cls)
    return None


def describe_problem(request: Request[Any, Any, Any], item: dict[str, Any]) -> dict[str, Any]:
    """One of Litestar's validation problems (`message`, `key`, `source`) with its message for a person,
    and the path of the field it is about as `key` (`items[0].price`)."""
    message = str(item.get("message", "invalid value"))
    raw_source = item.get("source") or ""
    source = str(getattr(raw_source, "value", raw_source))  # Litestar gives a ParamType for parameters
    key = str(item.get("key") or "")
    if source == "body" and key == "data":
        key = ""  # a problem with the body as a whole, or with a field it lacks or should not have
    if match := _MISSING.match(message):
        key, message = (f"{key}.{match[1]}" if key else match[1]), "is required"
    elif match := _UNKNOWN.match(message):
        key, message = (f"{key}.{match[1]}" if key else match[1]), "is not a field this accepts"
    parts = _path_parts(key)
    human = _human(message, _allowed_values(request, source, parts) if _ENUM.match(message) else None)
    label = field_label(parts) if parts else "Request body" if source == "body" else "Request"
    return {"key": key, "source": source, "label": label, "message": human}


def handle_validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    problems = (
        [describe_problem(request, item) for item in exc.extra if isinstance(item, dict)]
        if isinstance(exc.extra, list)
        else []
    )
    if not problems and (missing := _MISSING_PARAMETER.match(exc.detail or "")):
        # Litestar's own check, before any msgspec one: "Missing required query parameter 'q' for path /x".
        source, name = missing[1], missing[2]
        label = name if source == "header" else field_label(_path_parts(name))
        problems = [{"key": name, "source": source, "label": label, "message": "is required"}]
    if not problems:
        return _error(exc.status_code, exc.detail or "Invalid request")
    detail = "; ".join(f"{problem['label']}: {problem['message']}" for problem in problems)
    return _error(exc.status_code, detail, extra=problems)


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
