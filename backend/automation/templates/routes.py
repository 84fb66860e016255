"""Message templates (CRUD and preview) and the message ledger."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.automation.templates import ledger, service
from backend.automation.templates.schemas import (
    LedgerEntryOut,
    LedgerTrigger,
    PreviewIn,
    PreviewOut,
    TemplateIn,
    TemplateOut,
    TemplateUpdate,
)
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page


class TemplateController(Controller):
    path = "/automation/templates"
    tags = ["automation"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_template(self, request: AuthRequest, data: JSONBody[TemplateIn]) -> TemplateOut:
        """A message template; an unknown variable in the body is a 400 naming it."""
        return await service.create_template(request.user.workspace_id, data)

    @get("/")
    async def list_templates(
        self, request: AuthRequest, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> Page[TemplateOut]:
        return await service.list_templates(request.user.workspace_id, limit=limit, offset=offset)

    @post("/preview", status_code=HTTP_200_OK)
    async def preview(self, data: JSONBody[PreviewIn]) -> PreviewOut:
        """The body rendered for a sample recipient (made-up values for what `sample` leaves out)."""
        return service.preview(data)

    @get("/{template_id:uuid}")
    async def get_template(self, request: AuthRequest, template_id: FromPath[uuid.UUID]) -> TemplateOut:
        return await service.get_template(request.user.workspace_id, template_id)

    @patch("/{template_id:uuid}")
    async def update_template(
        self, request: AuthRequest, template_id: FromPath[uuid.UUID], data: JSONBody[TemplateUpdate]
    ) -> TemplateOut:
        return await service.update_template(request.user.workspace_id, template_id, data)

    @delete("/{template_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_template(self, request: AuthRequest, template_id: FromPath[uuid.UUID]) -> None:
        await service.delete_template(request.user.workspace_id, template_id)


class LedgerController(Controller):
    path = "/automation/ledger"
    tags = ["automation"]

    @get("/")
    async def list_ledger(
        self,
        request: AuthRequest,
        account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        rule_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        recipient: Annotated[str | None, QueryParameter(max_length=255)] = None,
        trigger: Annotated[LedgerTrigger | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[LedgerEntryOut]:
        """Who was messaged for what by the message rules, newest first: each once per account, trigger,
        recipient and subject (the liked item's id; empty for a new follower)."""
        return await ledger.list_ledger(
            request.user.workspace_id,
            account_id=account_id,
            rule_id=rule_id,
            recipient=recipient,
            trigger=trigger,
            limit=limit,
            offset=offset,
        )
