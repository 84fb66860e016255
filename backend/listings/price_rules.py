"""Per-platform price rules of a workspace: what a draft's price becomes on each platform when it is crosslisted.

A platform without a rule of the workspace's uses the platform's default rule (its mapping data), shown with
`custom = False`. Every query is scoped to the workspace.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from backend.core.clock import utcnow
from backend.core.errors import InvalidInput, NotFound
from backend.core.scoped import scoped
from backend.listings.schemas import PriceRuleOut, PriceRuleUpdate
from backend.listings.tables import PriceRule
from backend.platforms import service as platforms

CENT = Decimal("0.01")


def _known(platform: str) -> str:
    if platform not in platforms.crosslist_platforms():
        known = ", ".join(platforms.crosslist_platforms())
        raise NotFound(f"Platform {platform!r} takes no crosslisted listings; use one of {known}")
    return platform


def _out(platform: str, rule: platforms.PriceRule, custom: bool) -> PriceRuleOut:
    return PriceRuleOut(
        platform=platform,
        platform_title=platforms.platform_title(platform),
        markup_percent=float(rule.markup_percent),
        rounding=rule.rounding,  # type: ignore[arg-type]  # one of the four the table and the facade know
        custom=custom,
    )


def _rule(row: dict[str, Any]) -> platforms.PriceRule:
    return platforms.PriceRule(markup_percent=Decimal(str(row["markup_percent"])), rounding=row["rounding"])


async def custom_rules(workspace_id: uuid.UUID) -> dict[str, platforms.PriceRule]:
    """The workspace's own rules by platform (platforms on their default are left out)."""
    rows = await scoped(PriceRule, workspace_id).select(
        PriceRule.platform, PriceRule.markup_percent, PriceRule.rounding
    )
    return {row["platform"]: _rule(row) for row in rows}


async def list_rules(workspace_id: uuid.UUID) -> list[PriceRuleOut]:
    """Every platform that takes listings, with the workspace's rule or the platform's default."""
    custom = await custom_rules(workspace_id)
    return [
        _out(platform, custom.get(platform) or platforms.default_price_rule(platform), platform in custom)
        for platform in platforms.crosslist_platforms()
    ]


async def set_rule(workspace_id: uuid.UUID, platform: str, update: PriceRuleUpdate) -> PriceRuleOut:
    """Set the workspace's rule for the platform (made or replaced); 404 naming a platform that takes no listings."""
    _known(platform)
    markup = Decimal(str(update.markup_percent)).quantize(CENT)
    if markup != Decimal(str(update.markup_percent)):
        raise InvalidInput("markup_percent", "use at most two decimals")
    values: dict[Any, Any] = {
        PriceRule.markup_percent: markup,
        PriceRule.rounding: update.rounding,
        PriceRule.updated_at: utcnow(),
    }
    # One statement, so two saves at once end as one row (unique workspace and platform).
    await PriceRule.insert(
        PriceRule({**values, PriceRule.workspace: workspace_id, PriceRule.platform: platform})
    ).on_conflict(target=(PriceRule.workspace, PriceRule.platform), action="DO UPDATE", values=list(values))
    return _out(platform, platforms.PriceRule(markup_percent=markup, rounding=update.rounding), True)
