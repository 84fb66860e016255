"""What each kind of rule does in one run (`base.RuleRun` → summary), one module per kind or family.

`KINDS` is the registry the runner looks a rule's kind up in.
"""

from __future__ import annotations

from backend.automation.kinds import listing_kinds, social_kinds
from backend.automation.kinds.base import Kind

KINDS: dict[str, Kind] = {
    "bump": listing_kinds.bump,
    "relist": listing_kinds.relist,
    "price_drop": listing_kinds.price_drop,
    "scheduled_publish": listing_kinds.scheduled_publish,
    "follow": social_kinds.follow,
    "unfollow_nonfollowers": social_kinds.unfollow_nonfollowers,
    "message_new_followers": social_kinds.message_new_followers,
    "message_likers": social_kinds.message_likers,
    "inbox_sync": social_kinds.inbox_sync,
}
