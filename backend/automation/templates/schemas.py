"""Message templates, their preview, and the message ledger as the API shows them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.core.schemas import Name

TemplateBody = Annotated[str, msgspec.Meta(min_length=1, max_length=2000, examples=["Hi {username}, thanks!"])]
SampleText = Annotated[str, msgspec.Meta(max_length=200)]
LedgerTrigger = Literal["new_follower", "liked_item"]
LedgerStatus = Literal["reserved", "sent", "failed"]


class TemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    """A message template. Variables: {username} {item_title} {price} {discount_price} {my_name};
    write {{ or }} for a literal brace."""

    name: Name
    body: TemplateBody
    ai_variant: bool = False
    """Let the AI provider rewrite the text for each recipient (the offline provider keeps it as is)."""


class TemplateUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    body: TemplateBody | msgspec.UnsetType = msgspec.UNSET
    ai_variant: bool | msgspec.UnsetType = msgspec.UNSET


class TemplateOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    body: str
    ai_variant: bool
    variables: list[str]
    """The variables the body uses, in order of first use."""
    created_at: datetime
    updated_at: datetime


class PreviewSample(msgspec.Struct, forbid_unknown_fields=True):
    """Values for the preview; a value not sent is a made-up example."""

    username: SampleText = "jane_doe"
    item_title: SampleText = "Vintage denim jacket"
    price: SampleText = "25.00"
    discount_price: SampleText = "22.50"
    my_name: SampleText = "my_shop"


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    body: TemplateBody
    sample: PreviewSample | None = None


class PreviewOut(msgspec.Struct):
    text: str
    variables: list[str]


class LedgerEntryOut(msgspec.Struct):
    """One message a rule sent (or reserved, about to send): once per account, trigger, recipient and subject."""

    id: uuid.UUID
    account_id: uuid.UUID
    rule_id: uuid.UUID | None
    trigger: str
    """new_follower or liked_item."""
    recipient: str
    subject: str
    """What the message is about: the liked item's platform id; empty for a new follower."""
    body: str
    status: LedgerStatus
    """reserved: claimed and waiting (for its delay, or a check after a crash); sent: in the recipient's inbox;
    failed: the platform refused it (not tried again)."""
    created_at: datetime
    sent_at: datetime | None
