"""Message templates: CRUD, preview, and the text of one message for one recipient (the kinds' call).

Every query is scoped to the workspace; another workspace's template is a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import structlog

from backend.ai import service as ai
from backend.automation.tables import MessageTemplate
from backend.automation.templates.render import VARIABLES, render, variables_of
from backend.automation.templates.schemas import (
    PreviewIn,
    PreviewOut,
    PreviewSample,
    TemplateIn,
    TemplateOut,
    TemplateUpdate,
)
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import InvalidInput
from backend.core.fields import sent_fields
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped

log = structlog.get_logger(__name__)

NOT_FOUND = "Message template not found"


def template_out(row: dict[str, Any]) -> TemplateOut:
    return to_schema(row, TemplateOut, variables=variables_of(row["body"]))


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("name", "must not be blank")
    return cleaned


def _clean_body(body: str) -> str:
    if not body.strip():
        raise InvalidInput("body", "must not be blank")
    variables_of(body)  # 400 naming an unknown variable
    return body


async def _row(workspace_id: uuid.UUID, template_id: uuid.UUID) -> dict[str, Any]:
    return await scoped(MessageTemplate, workspace_id).get(template_id, missing=NOT_FOUND)


async def create_template(workspace_id: uuid.UUID, data: TemplateIn) -> TemplateOut:
    template_id = uuid.uuid4()
    await MessageTemplate.insert(
        MessageTemplate(
            id=template_id,
            workspace=workspace_id,
            name=_clean_name(data.name),
            body=_clean_body(data.body),
            ai_variant=data.ai_variant,
        )
    )
    return await get_template(workspace_id, template_id)


async def get_template(workspace_id: uuid.UUID, template_id: uuid.UUID) -> TemplateOut:
    return template_out(await _row(workspace_id, template_id))


async def template_exists(workspace_id: uuid.UUID, template_id: uuid.UUID) -> bool:
    """Whether the workspace has this template (a rule's params name one)."""
    templates = scoped(MessageTemplate, workspace_id)
    return bool(await templates.exists().where(MessageTemplate.id == template_id))


async def list_templates(workspace_id: uuid.UUID, *, limit: int, offset: int) -> Page[TemplateOut]:
    templates = scoped(MessageTemplate, workspace_id)
    return await fetch_page(
        templates.select().order_by(MessageTemplate.name).order_by(MessageTemplate.id),
        templates.count(),
        template_out,
        limit,
        offset,
    )


async def update_template(workspace_id: uuid.UUID, template_id: uuid.UUID, changes: TemplateUpdate) -> TemplateOut:
    row = await _row(workspace_id, template_id)
    sent = sent_fields(changes)
    if not sent:
        return template_out(row)
    if "name" in sent:
        sent["name"] = _clean_name(sent["name"])
    if "body" in sent:
        sent["body"] = _clean_body(sent["body"])
    values: dict[Any, Any] = {getattr(MessageTemplate, name): value for name, value in sent.items()}
    values[MessageTemplate.updated_at] = utcnow()
    await scoped(MessageTemplate, workspace_id).update(values).where(MessageTemplate.id == template_id)
    return await get_template(workspace_id, template_id)


async def delete_template(workspace_id: uuid.UUID, template_id: uuid.UUID) -> None:
    """Rules that name it fail their message items with "template not found" until they name another."""
    await _row(workspace_id, template_id)
    await scoped(MessageTemplate, workspace_id).delete().where(MessageTemplate.id == template_id)


def preview(data: PreviewIn) -> PreviewOut:
    """The body rendered for a sample recipient (made-up values for what the sample leaves out)."""
    sample = data.sample or PreviewSample()
    values = {name: getattr(sample, name) for name in VARIABLES}
    return PreviewOut(text=render(data.body, values), variables=variables_of(data.body))


async def message_for(
    workspace_id: uuid.UUID, template_id: uuid.UUID, values: Mapping[str, str], recipient: str
) -> str:
    """The text of one message: the template rendered with `values`, reworded by the AI when it asks for that.

    404 (`NotFound`) when the template is gone. When the AI provider cannot be
    reached, the plain rendered text is sent rather than nothing.
    """
    row = await _row(workspace_id, template_id)
    text = render(row["body"], values)
    if not row["ai_variant"]:
        return text
    try:
        return await ai.rewrite_message(text, recipient)
    except (ai.ProviderUnavailable, ai.InvalidDraft) as exc:
        log.warning("template.ai_variant_unavailable", template_id=str(template_id), error=type(exc).__name__)
        return text


async def check_template_param(workspace_id: uuid.UUID, params: Mapping[str, Any]) -> None:
    """A rule's `params.template_id` names a template of this workspace (400 naming the field otherwise)."""
    template_id = params.get("template_id")
    if template_id is not None and not await template_exists(workspace_id, uuid.UUID(str(template_id))):
        raise InvalidInput("params.template_id", "no such message template in this workspace; create it first")
