"""Proxies: CRUD, bulk import, and starting health checks. Every query is scoped to the workspace.

Credentials go into the vault on the way in; they come out only through
`proxies.urls` (proxy_url, proxy_credentials), for a worker routing a browser or a check.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from arq.connections import ArqRedis

from backend import db
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput
from backend.core.fields import like_pattern, sent_fields
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.platforms import imports, vault
from backend.platforms.proxies import health
from backend.platforms.proxies.schemas import ProxyCreate, ProxyUpdate
from backend.platforms.proxies.urls import (
    PROXY_PASSWORD_PURPOSE,
    PROXY_USERNAME_PURPOSE,
    check_port,
    parse_proxy_url,
)
from backend.platforms.schemas import ImportReport, ImportRowOut, ProxyOut
from backend.platforms.tables import Proxy

HEALTH_CHECK_KIND = "proxies.health_check"
NOT_FOUND = "Proxy not found"
PROXY_COLUMNS = ("label", "kind", "scheme", "host", "port", "username", "password", "url")


def proxy_out(row: dict[str, Any]) -> ProxyOut:
    has_credentials = row["username_secret"] is not None or row["password_secret"] is not None
    return to_schema(row, ProxyOut, has_credentials=has_credentials)


async def proxy_row(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> dict[str, Any]:
    """The proxy's table row (credentials still encrypted); 404 when it is not this workspace's."""
    return await scoped(Proxy, workspace_id).get(proxy_id, missing=NOT_FOUND)


async def get_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> ProxyOut:
    return proxy_out(await proxy_row(workspace_id, proxy_id))


async def proxy_id_exists(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> bool:
    return bool(await scoped(Proxy, workspace_id).exists().where(Proxy.id == proxy_id))


async def proxy_ids_by_address(workspace_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """`host:port` → id of every proxy of the workspace (how import files name a proxy)."""
    rows = await scoped(Proxy, workspace_id).select(Proxy.id, Proxy.host, Proxy.port)
    return {f"{r['host']}:{r['port']}": r["id"] for r in rows}


def prepare_proxy(data: ProxyCreate) -> dict[str, Any]:
    """Validate a proxy to create and return its column values (credentials encrypted)."""
    if data.url is not None:
        if data.host is not None or data.port is not None:
            raise InvalidInput("url", "send either url or host and port, not both")
        scheme, host, port, username, password = parse_proxy_url(data.url)
        if data.scheme is not None and data.scheme != scheme:
            raise InvalidInput("scheme", f"is {data.scheme} but the url says {scheme}")
        username = data.username if data.username is not None else username
        password = data.password if data.password is not None else password
    else:
        if data.host is None or not data.host.strip():
            raise InvalidInput("host", "required (or send url)")
        if data.port is None:
            raise InvalidInput("port", "required (or send url)")
        scheme = data.scheme or "http"
        host = data.host.strip().lower()
        port = check_port(data.port, "port")
        username, password = data.username, data.password
    return {
        "label": data.label.strip(),
        "kind": data.kind,
        "scheme": scheme,
        "host": host,
        "port": port,
        "username_secret": vault.encrypt_optional(username, PROXY_USERNAME_PURPOSE),
        "password_secret": vault.encrypt_optional(password, PROXY_PASSWORD_PURPOSE),
    }


def _duplicate_proxy(host: str, port: int) -> str:
    return f"A proxy at {host}:{port} already exists in this workspace"


async def proxy_exists(workspace_id: uuid.UUID, host: str, port: int) -> bool:
    return bool(await scoped(Proxy, workspace_id).exists().where((Proxy.host == host) & (Proxy.port == port)))


async def insert_proxy(workspace_id: uuid.UUID, values: dict[str, Any]) -> uuid.UUID:
    proxy_id = uuid.uuid4()
    try:
        await Proxy.insert(Proxy(id=proxy_id, workspace=workspace_id, **values))
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_proxy(values["host"], values["port"])) from None
        raise
    return proxy_id


async def create_proxy(workspace_id: uuid.UUID, data: ProxyCreate) -> ProxyOut:
    values = prepare_proxy(data)
    if await proxy_exists(workspace_id, values["host"], values["port"]):
        raise Conflict(_duplicate_proxy(values["host"], values["port"]))
    return await get_proxy(workspace_id, await insert_proxy(workspace_id, values))


async def list_proxies(
    workspace_id: uuid.UUID,
    *,
    kind: str | None,
    status: str | None,
    search: str | None,
    limit: int,
    offset: int,
) -> Page[ProxyOut]:
    conditions: list[Any] = []
    if kind:
        conditions.append(Proxy.kind == kind)
    if status:
        conditions.append(Proxy.status == status)
    if search:
        pattern = like_pattern(search)
        conditions.append(Proxy.label.ilike(pattern) | Proxy.host.ilike(pattern))
    proxies = scoped(Proxy, workspace_id)
    return await fetch_page(
        proxies.select().order_by(Proxy.created_at, ascending=False).order_by(Proxy.id),
        proxies.count(),
        proxy_out,
        limit,
        offset,
        conditions,
    )


async def update_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID, changes: ProxyUpdate) -> ProxyOut:
    row = await proxy_row(workspace_id, proxy_id)
    sent = sent_fields(changes)
    if not sent:
        return proxy_out(row)
    values: dict[Any, Any] = {Proxy.updated_at: utcnow()}
    for name in ("label", "kind", "scheme"):
        if name in sent:
            values[getattr(Proxy, name)] = sent[name].strip() if name == "label" else sent[name]
    if "host" in sent:
        values[Proxy.host] = sent["host"].strip().lower()
    if "port" in sent:
        values[Proxy.port] = check_port(sent["port"], "port")
    if "username" in sent:
        values[Proxy.username_secret] = vault.encrypt_optional(sent["username"], PROXY_USERNAME_PURPOSE)
    if "password" in sent:
        values[Proxy.password_secret] = vault.encrypt_optional(sent["password"], PROXY_PASSWORD_PURPOSE)
    if {"scheme", "host", "port", "username", "password"} & sent.keys():
        # A different proxy now: the last check said nothing about it.
        values.update({Proxy.status: "unchecked", Proxy.latency_ms: None, Proxy.last_error: ""})
    host, port = values.get(Proxy.host, row["host"]), values.get(Proxy.port, row["port"])
    try:
        await scoped(Proxy, workspace_id).update(values).where(Proxy.id == proxy_id)
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_proxy(host, port)) from None
        raise
    return await get_proxy(workspace_id, proxy_id)


async def delete_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> None:
    """Accounts that used it keep working without a proxy (their proxy becomes null)."""
    await proxy_row(workspace_id, proxy_id)
    await scoped(Proxy, workspace_id).delete().where(Proxy.id == proxy_id)


async def import_proxies(workspace_id: uuid.UUID, rows: list[Any]) -> ImportReport:
    """Create a proxy per row, from host/port (and optional credentials) or one `url`."""
    seen: dict[tuple[str, int], int] = {}

    async def handle(number: int, raw: Any) -> ImportRowOut:
        row = imports.clean_row(raw, PROXY_COLUMNS)
        if "url" not in row:
            for required in ("host", "port"):
                if required not in row:
                    raise imports.RowError(f"{required} is required (or give url)")
        data = imports.convert_row(row, ProxyCreate)
        values = prepare_proxy(data)
        key = (values["host"], values["port"])
        if key in seen:
            raise Conflict(f"duplicate of row {seen[key]} ({key[0]}:{key[1]})")
        seen[key] = number
        if await proxy_exists(workspace_id, *key):
            raise Conflict(f"already exists: proxy {key[0]}:{key[1]}")
        proxy_id = await insert_proxy(workspace_id, values)
        return ImportRowOut(row=number, status="created", id=proxy_id)

    return await imports.report_rows(rows, handle)


# --- health checks ---------------------------------------------------------------


async def start_health_check(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID | None, proxy_id: uuid.UUID | None = None
) -> JobOut:
    """A job checking one proxy, or every proxy of the workspace; one item per proxy."""
    if proxy_id is not None:
        ids = [(await proxy_row(workspace_id, proxy_id))["id"]]
    else:
        rows = await scoped(Proxy, workspace_id).select(Proxy.id).order_by(Proxy.created_at)
        ids = [r["id"] for r in rows]
        if not ids:
            raise Conflict("This workspace has no proxies to check; add one first")
    return await jobs.enqueue(
        redis,
        workspace_id,
        HEALTH_CHECK_KIND,
        {"proxy_ids": [str(i) for i in ids]},
        total=len(ids),
        created_by=user_id,
    )


async def check_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> dict[str, Any]:
    """Check one proxy and store the outcome; returns it (404 when it is gone)."""
    return await health.record_check(workspace_id, proxy_id, await proxy_row(workspace_id, proxy_id))


async def _proxy_item_labels(workspace_id: uuid.UUID, payload: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """A health check's item is a proxy (its id): named by its host:port."""
    ids: list[uuid.UUID] = []
    for key in keys:
        with contextlib.suppress(ValueError):
            ids.append(uuid.UUID(key))
    if not ids:
        return {}
    rows = await scoped(Proxy, workspace_id).select(Proxy.id, Proxy.host, Proxy.port).where(Proxy.id.is_in(ids))
    return {str(row["id"]): f"{row['host']}:{row['port']}" for row in rows}


jobs.register_item_labels(HEALTH_CHECK_KIND, _proxy_item_labels)
