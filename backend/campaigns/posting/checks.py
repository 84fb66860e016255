"""What keeps posts from being published on the platform each is assigned to, found before `start`.

A post without the photo or video its platform needs would otherwise fail at its
time, after the campaign started; the plan lists such posts and `start` refuses
(400 naming `posts`) until they are fixed. The rules are the platforms facade's
(`post_problems`); this module finds each post's media facts and words the refusal.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from backend.campaigns.schemas import CampaignPlanProblem, ProblemField
from backend.core.errors import InvalidInput, NotFound
from backend.media import service as media
from backend.platforms import service as platforms

FIELDS: dict[str, ProblemField] = {"caption": "caption", "media": "media", "platform": "platform"}


async def problems(
    workspace_id: uuid.UUID, assigned: Iterable[tuple[dict[str, Any], str]]
) -> list[CampaignPlanProblem]:
    """The problems of each (post row, platform it is assigned to), in the posts' order."""
    pairs = sorted(assigned, key=lambda pair: (pair[0]["position"], str(pair[0]["id"])))
    kinds = await _media_kinds(workspace_id, [_media_ids(post) for post, _ in pairs])
    found: list[CampaignPlanProblem] = []
    for post, platform in pairs:
        ids = _media_ids(post)
        known = [kinds[m] for m in ids if m in kinds]
        has_video = any(kind.startswith("video/") for kind in known)
        for text in platforms.post_problems(platform, post["caption"], len(known), has_video):
            field, _, reason = text.partition(": ")
            found.append(
                CampaignPlanProblem(
                    post_id=post["id"],
                    position=post["position"],
                    platform=platform,
                    field=FIELDS.get(field.lower(), "media"),
                    reason=reason,
                )
            )
    return found


def refuse(found: Sequence[CampaignPlanProblem]) -> None:
    """400 naming `posts` when any post would be refused: "3 posts have no photo or video; TikTok needs one"."""
    if not found:
        return
    counts = Counter(problem.reason for problem in found)
    told = [f"{n} {'post has' if n == 1 else 'posts have'} {reason}" for reason, n in counts.items()]
    raise InvalidInput("posts", "; and ".join(told) + " (see the plan's problems)")


def _media_ids(post: dict[str, Any]) -> list[uuid.UUID]:
    return [uuid.UUID(str(m)) for m in post["media_ids"] or []]


async def _media_kinds(workspace_id: uuid.UUID, groups: Sequence[list[uuid.UUID]]) -> dict[uuid.UUID, str]:
    """Content type per media id; a media file deleted since is left out (the post then counts it as missing)."""
    wanted = list({m for group in groups for m in group})
    try:
        rows = await media.rows_for(workspace_id, wanted)
    except NotFound:
        rows = {}
        for media_id in wanted:
            try:
                rows.update(await media.rows_for(workspace_id, [media_id]))
            except NotFound:
                continue
    return {media_id: str(row["content_type"]) for media_id, row in rows.items()}
