"""The inbox: conversations synced from the platform accounts, their messages, mark read, reply, sync now."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from backend.automation.inbox import service
from backend.automation.inbox.schemas import ConversationOut, InboxMessageOut, ReplyIn, SyncIn
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut


class InboxController(Controller):
    path = "/inbox"
    tags = ["automation"]

    @get("/")
    async def list_conversations(
        self,
        request: AuthRequest,
        account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        unread: Annotated[
            bool | None, QueryParameter(description="Only conversations with (or without) unread messages")
        ] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[ConversationOut]:
        """Conversations of the workspace's accounts, the latest message first (synced by POST /inbox/sync or
        an inbox_sync rule)."""
        return await service.list_conversations(
            request.user.workspace_id, account_id=account_id, unread=unread, limit=limit, offset=offset
        )

    @post("/sync", status_code=HTTP_202_ACCEPTED)
    async def sync(self, request: AuthRequest, data: JSONBody[SyncIn], redis: NamedDependency[ArqRedis]) -> JobOut:
        """Read the account's inbox now: a job (kind `inbox.sync`)."""
        return await service.start_sync(redis, request.user.workspace_id, data.account_id, request.user.user_id)

    @get("/{conversation_id:uuid}/messages")
    async def list_messages(
        self,
        request: AuthRequest,
        conversation_id: FromPath[uuid.UUID],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[InboxMessageOut]:
        """The conversation's messages, oldest first."""
        return await service.list_messages(request.user.workspace_id, conversation_id, limit=limit, offset=offset)

    @post("/{conversation_id:uuid}/read", status_code=HTTP_200_OK)
    async def mark_read(self, request: AuthRequest, conversation_id: FromPath[uuid.UUID]) -> ConversationOut:
        """No unread messages left in Sellpilot."""
        return await service.mark_read(request.user.workspace_id, conversation_id)

    @post("/{conversation_id:uuid}/reply", status_code=HTTP_202_ACCEPTED)
    async def reply(
        self,
        request: AuthRequest,
        conversation_id: FromPath[uuid.UUID],
        data: JSONBody[ReplyIn],
        redis: NamedDependency[ArqRedis],
    ) -> JobOut:
        """Send a reply as the conversation's account: a job (kind `inbox.reply`) that sends it through the
        platform, then syncs the conversation."""
        return await service.start_reply(
            redis, request.user.workspace_id, conversation_id, data.text, request.user.user_id
        )
