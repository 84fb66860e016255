"""The ref tag that marks a social post, so the driver can find it again (see `PostInput`).

Platforms have no field for a reference of ours, but every one takes hashtags
in a caption: `#sp` and 10 hex digits of the ref's SHA-256 (40 bits: no two
posts of one account share it in practice), the same on every platform and
every run, so a re-run after a lost answer finds the post it made.
"""

from __future__ import annotations

import hashlib
import re

from backend.platforms.drivers.base import PostInput

REF_TAG_PREFIX = "#sp"
REF_TAG_DIGITS = 10


def ref_tag(ref: str) -> str:
    """The short hashtag that marks the post with reference `ref`."""
    return REF_TAG_PREFIX + hashlib.sha256(ref.encode()).hexdigest()[:REF_TAG_DIGITS]


def _tag_pattern(post: PostInput) -> re.Pattern[str]:
    return re.compile(re.escape(ref_tag(post.ref)) + r"(?![0-9a-z])", flags=re.IGNORECASE)


def has_ref(text: str, post: PostInput) -> bool:
    """Whether `text` (a caption as a platform shows it, whole or in an alt text) carries the post's ref tag."""
    return _tag_pattern(post).search(text) is not None


def caption_with_ref(post: PostInput, max_chars: int | None = None) -> str:
    """The caption ending with the post's ref tag, cut so the whole fits in `max_chars` (the tag is never cut)."""
    tag = ref_tag(post.ref)
    caption = _tag_pattern(post).sub("", post.caption).strip()  # a caption that has it already gets it once, at the end
    if max_chars is not None:
        caption = caption[: max(0, max_chars - len(tag) - 1)].rstrip()
    return f"{caption} {tag}" if caption else tag
