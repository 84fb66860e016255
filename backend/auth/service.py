"""Auth's door for the rest of the app: accounts, sessions, workspaces and members.

Routes and other domains import this module only. The work is in `accounts`
(registering, logging in, users), `sessions` (tokens, refresh, logout, the
principal), `workspaces` and `members` (roles, invitations, seats), with the
input rules in `inputs`.
"""

from __future__ import annotations

from backend.auth.accounts import (
    create_superuser,
    get_user,
    login,
    register,
)
from backend.auth.directory import (
    search_users,
    search_workspaces,
    set_user_active,
    user_detail,
    workspace_summary,
)
from backend.auth.members import (
    change_member_role,
    invite_member,
    list_invitations,
    list_members,
    members_page,
    remove_member,
    revoke_invitation,
)
from backend.auth.sessions import load_principal, logout, refresh
from backend.auth.workspaces import (
    create_workspace,
    get_workspace,
    list_workspaces,
    lock_workspace,
    rename_workspace,
    switch_workspace,
    workspace_name,
)

__all__ = [
    "change_member_role",
    "create_superuser",
    "create_workspace",
    "get_user",
    "get_workspace",
    "invite_member",
    "list_invitations",
    "list_members",
    "list_workspaces",
    "load_principal",
    "lock_workspace",
    "login",
    "logout",
    "members_page",
    "refresh",
    "register",
    "remove_member",
    "rename_workspace",
    "revoke_invitation",
    "search_users",
    "search_workspaces",
    "set_user_active",
    "switch_workspace",
    "user_detail",
    "workspace_name",
    "workspace_summary",
]
