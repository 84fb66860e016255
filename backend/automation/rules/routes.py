"""Rule endpoints: CRUD, run now, pause, resume, and the run history."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.automation.rules import service
from backend.automation.rules.schemas import RuleIn, RuleKind, RuleOut, RuleStatus, RuleUpdate, RunOut, RunOutcome
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut


class RuleController(Controller):
    path = "/automation/rules"
    tags = ["automation"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_rule(self, request: AuthRequest, data: JSONBody[RuleIn]) -> RuleOut:
        """A rule acting as one platform account on a schedule; active rules count against the plan (402)."""
        return await service.create_rule(request.user.workspace_id, request.user.user_id, data)

    @get("/")
    async def list_rules(
        self,
        request: AuthRequest,
        account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        kind: Annotated[RuleKind | None, QueryParameter()] = None,
        status: Annotated[RuleStatus | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[RuleOut]:
        return await service.list_rules(
            request.user.workspace_id, account_id=account_id, kind=kind, status=status, limit=limit, offset=offset
        )

    @get("/{rule_id:uuid}")
    async def get_rule(self, request: AuthRequest, rule_id: FromPath[uuid.UUID]) -> RuleOut:
        return await service.get_rule(request.user.workspace_id, rule_id)

    @patch("/{rule_id:uuid}")
    async def update_rule(
        self, request: AuthRequest, rule_id: FromPath[uuid.UUID], data: JSONBody[RuleUpdate]
    ) -> RuleOut:
        """Change a rule (its kind and account are fixed); a new schedule takes effect from now."""
        return await service.update_rule(request.user.workspace_id, rule_id, data)

    @delete("/{rule_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_rule(self, request: AuthRequest, rule_id: FromPath[uuid.UUID]) -> None:
        await service.delete_rule(request.user.workspace_id, rule_id)

    @post("/{rule_id:uuid}/run", status_code=HTTP_202_ACCEPTED)
    async def run_now(
        self, request: AuthRequest, rule_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Run the rule once now, outside its schedule: a job (its items are the targets acted on)."""
        user = request.user
        return await service.run_now(redis, user.workspace_id, user.user_id, rule_id)

    @post("/{rule_id:uuid}/pause", status_code=HTTP_200_OK)
    async def pause(self, request: AuthRequest, rule_id: FromPath[uuid.UUID]) -> RuleOut:
        return await service.pause_rule(request.user.workspace_id, rule_id)

    @post("/{rule_id:uuid}/resume", status_code=HTTP_200_OK)
    async def resume(self, request: AuthRequest, rule_id: FromPath[uuid.UUID]) -> RuleOut:
        """Active again from now (402 when the plan has no active rule left)."""
        return await service.resume_rule(request.user.workspace_id, rule_id)


class RunController(Controller):
    path = "/automation/runs"
    tags = ["automation"]

    @get("/")
    async def list_runs(
        self,
        request: AuthRequest,
        rule_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        kind: Annotated[RuleKind | None, QueryParameter()] = None,
        outcome: Annotated[RunOutcome | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[RunOut]:
        """Runs of rules, newest first; each run's per-target results are GET /jobs/{job_id}/items."""
        return await service.list_runs(
            request.user.workspace_id,
            rule_id=rule_id,
            account_id=account_id,
            kind=kind,
            outcome=outcome,
            limit=limit,
            offset=offset,
        )
