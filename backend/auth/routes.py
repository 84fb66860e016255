"""Auth and workspace endpoints: parse, call the service, return a schema."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from redis.asyncio import Redis

from backend.auth import service, tokens
from backend.auth.schemas import (
    InvitationOut,
    LoginRequest,
    LogoutRequest,
    MemberInvite,
    MemberInviteResult,
    MemberOut,
    MemberUpdate,
    MeResponse,
    RefreshRequest,
    RegisterRequest,
    StreamToken,
    TokenPair,
    WorkspaceCreate,
    WorkspaceOut,
    WorkspaceUpdate,
)
from backend.core import ratelimit
from backend.core.actor import actor_of, client_ip
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest, Role
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.settings import get_settings


async def _limit_attempts(redis: Redis, action: str, request: Request[Any, Any, Any], email: str, detail: str) -> None:
    """Count a login or sign-up attempt against both its per-IP and per-email limits."""
    rules = get_settings().rate_limits
    if not rules.enabled:
        return
    per_ip, per_email = (
        (rules.login_per_ip, rules.login_per_email)
        if action == "login"
        else (rules.register_per_ip, rules.register_per_email)
    )
    await ratelimit.hit(redis, per_ip, f"{action}-ip", client_ip(request), detail)
    await ratelimit.hit(redis, per_email, f"{action}-email", email.strip().lower(), detail)


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", exclude_from_auth=True, status_code=HTTP_201_CREATED)
    async def register(
        self,
        data: JSONBody[RegisterRequest],
        request: Request[Any, Any, Any],
        redis: NamedDependency[Redis],
    ) -> TokenPair:
        """Create an account and its personal workspace, and log in. Pending invitations to the email are taken up."""
        await _limit_attempts(redis, "register", request, data.email, "Too many sign-ups; try again later")
        return await service.register(data.email, data.password, data.full_name, data.workspace_name)

    @post("/login", exclude_from_auth=True, status_code=HTTP_200_OK)
    async def login(
        self,
        data: JSONBody[LoginRequest],
        request: Request[Any, Any, Any],
        redis: NamedDependency[Redis],
    ) -> TokenPair:
        """Exchange email and password for an access token (short-lived) and a refresh token."""
        await _limit_attempts(
            redis,
            "login",
            request,
            data.email,
            "Too many login attempts; try again later",
        )
        return await service.login(data.email, data.password, ip=client_ip(request))

    @post("/refresh", exclude_from_auth=True, status_code=HTTP_200_OK)
    async def refresh(
        self, data: JSONBody[RefreshRequest], request: Request[Any, Any, Any], redis: NamedDependency[Redis]
    ) -> TokenPair:
        """Rotate a refresh token: the old one stops working. Reusing a rotated token signs out that whole session."""
        return await service.refresh(redis, data.refresh_token, ip=client_ip(request))

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(
        self,
        request: AuthRequest,
        redis: NamedDependency[Redis],
        data: JSONBody[LogoutRequest | None] = None,
    ) -> None:
        """Sign out this session: its access and refresh tokens stop working at once. Other sessions are untouched."""
        await service.logout(
            redis,
            request.user,
            str(request.auth.jti),
            request.auth.exp,
            tokens.session_of(request.auth),
            data.refresh_token if data else None,
        )

    @get("/me")
    async def me(self, request: AuthRequest) -> MeResponse:
        """The current user and the workspace this token works in."""
        return MeResponse(
            user=await service.get_user(request.user.user_id),
            workspace=await service.get_workspace(request.user.workspace_id, request.user.user_id),
        )


class WorkspaceController(Controller):
    path = "/workspaces"
    tags = ["workspaces"]

    @get("/")
    async def list_workspaces(
        self, request: AuthRequest, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> Page[WorkspaceOut]:
        """Workspaces you belong to, with your role in each."""
        return await service.list_workspaces(request.user.user_id, limit, offset)

    @post("/", status_code=HTTP_201_CREATED)
    async def create_workspace(self, request: AuthRequest, data: JSONBody[WorkspaceCreate]) -> WorkspaceOut:
        """Create a team workspace; you are its owner."""
        return await service.create_workspace(request.user.user_id, data.name)

    @get("/{workspace_id:uuid}")
    async def get_workspace(self, request: AuthRequest, workspace_id: FromPath[uuid.UUID]) -> WorkspaceOut:
        return await service.get_workspace(workspace_id, request.user.user_id)

    @patch("/{workspace_id:uuid}")
    async def rename_workspace(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        data: JSONBody[WorkspaceUpdate],
    ) -> WorkspaceOut:
        """Rename a workspace (owner or admin)."""
        return await service.rename_workspace(workspace_id, request.user.user_id, data.name)

    @post("/{workspace_id:uuid}/switch", status_code=HTTP_200_OK)
    async def switch(self, request: AuthRequest, workspace_id: FromPath[uuid.UUID]) -> TokenPair:
        """New tokens that work in this workspace."""
        return await service.switch_workspace(workspace_id, request.user.user_id)

    @get("/{workspace_id:uuid}/members")
    async def list_members(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[MemberOut]:
        return await service.list_members(workspace_id, request.user.user_id, limit, offset)

    @post("/{workspace_id:uuid}/members", status_code=HTTP_201_CREATED)
    async def invite_member(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        data: JSONBody[MemberInvite],
    ) -> MemberInviteResult:
        """Add someone by email (owner or admin). An email without an account gets a pending invitation,
        taken up when it signs up. Only owners can add owners."""
        return await service.invite_member(
            workspace_id, request.user.user_id, data.email, Role(data.role), actor_of(request)
        )

    @patch("/{workspace_id:uuid}/members/{user_id:uuid}")
    async def change_member_role(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[MemberUpdate],
    ) -> MemberOut:
        """Change a member's role (owner or admin; only owners touch owners; the last owner stays)."""
        return await service.change_member_role(
            workspace_id, request.user.user_id, user_id, Role(data.role), actor_of(request)
        )

    @delete("/{workspace_id:uuid}/members/{user_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def remove_member(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        user_id: FromPath[uuid.UUID],
    ) -> None:
        """Remove a member (owner or admin), or leave by passing your own id. The last owner cannot leave."""
        await service.remove_member(workspace_id, request.user.user_id, user_id, actor_of(request))

    @get("/{workspace_id:uuid}/invitations")
    async def list_invitations(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[InvitationOut]:
        return await service.list_invitations(workspace_id, request.user.user_id, limit, offset)

    @delete(
        "/{workspace_id:uuid}/invitations/{invitation_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def revoke_invitation(
        self,
        request: AuthRequest,
        workspace_id: FromPath[uuid.UUID],
        invitation_id: FromPath[uuid.UUID],
    ) -> None:
        await service.revoke_invitation(workspace_id, request.user.user_id, invitation_id, actor_of(request))


class StreamTokenController(Controller):
    path = "/events/token"
    tags = ["jobs"]

    @post("/", status_code=HTTP_201_CREATED)
    async def stream_token(self, request: AuthRequest) -> StreamToken:
        """A short-lived token for `?token=` on the event streams (EventSource cannot send headers)."""
        issued = tokens.issue_stream_token(
            request.user.user_id, request.user.workspace_id, tokens.session_of(request.auth)
        )
        return StreamToken(token=issued.token, expires_in=get_settings().jobs.stream_token_ttl_seconds)
