"""Billing endpoints: plan and usage, Stripe Checkout and Portal, and the Stripe webhook."""

from __future__ import annotations

from typing import Any

from arq.connections import ArqRedis
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from backend.auth import service as auth
from backend.billing import service
from backend.billing.schemas import BillingOut, CheckoutRequest, RedirectOut, WebhookAck
from backend.core.principal import AuthRequest, Role, requires_role

owners_and_admins = requires_role(Role.owner, Role.admin)


class BillingController(Controller):
    path = "/billing"
    tags = ["billing"]

    @get("/", guards=[owners_and_admins])
    async def get_billing(self, request: AuthRequest) -> BillingOut:
        """The workspace's plan, subscription status, limits and usage this month (owner or admin)."""
        return await service.get_billing(request.user.workspace_id)

    @post("/checkout", guards=[owners_and_admins], status_code=HTTP_200_OK)
    async def checkout(self, request: AuthRequest, data: JSONBody[CheckoutRequest]) -> RedirectOut:
        """A Stripe Checkout page for subscribing to a plan (owner or admin)."""
        # Billing reads no other domain: the workspace's name (for the Stripe customer) is passed in.
        return await service.create_checkout(
            request.user.workspace_id,
            request.user.email,
            data.plan,
            workspace_name=await auth.workspace_name(request.user.workspace_id),
        )

    @post("/portal", guards=[owners_and_admins], status_code=HTTP_200_OK)
    async def portal(self, request: AuthRequest) -> RedirectOut:
        """The Stripe Customer Portal, to change plan, card or cancel (owner or admin)."""
        return await service.create_portal(request.user.workspace_id)

    @post("/webhook", exclude_from_auth=True, status_code=HTTP_200_OK, opt={"skip_rate_limit": True})
    async def webhook(self, request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis]) -> WebhookAck:
        """Stripe's events (public; authenticated by the Stripe-Signature header). A repeat is acknowledged
        and not applied again."""
        try:
            new = await service.receive_webhook(redis, await request.body(), request.headers.get("stripe-signature"))
        except service.InvalidSignature as exc:
            raise ClientException(f"Invalid Stripe signature: {exc}") from None
        return WebhookAck(received=True, duplicate=not new)
