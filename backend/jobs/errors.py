"""What a person is shown of a job's or an item's error.

Handlers raise errors meant for people (`JobFailed`, a platform's reason), but
an unexpected exception can carry a whole tool log: Playwright's boxed
banners, call logs, a traceback. The runner stores, and the API shows, only
the first meaningful line, capped; the full text goes to the server log.
"""

from __future__ import annotations

from typing import overload

MAX_ERROR_LENGTH = 300
INTERNAL_ERROR = "This failed for an internal reason; try again, or contact support if it keeps failing."
# Lines made only of these are a banner's frame, not a message.
_FRAME_CHARACTERS = set("=-_*#~ ║╔╗╚╝═│┌┐└┘─")


@overload
def user_error(error: str) -> str: ...
@overload
def user_error(error: None) -> None: ...
def user_error(error: str | None) -> str | None:
    """The first line of an error that says something, capped; a traceback or a tool's banner never reaches a page."""
    if error is None:
        return None
    lines = [part.strip() for part in error.splitlines() if part.strip()]
    line = next((part for part in lines if not set(part) <= _FRAME_CHARACTERS), "")
    if not line or line.startswith("Traceback"):
        return INTERNAL_ERROR
    # A banner's text line keeps its side frames ("║ Looks like … ║").
    line = line.strip("".join(_FRAME_CHARACTERS)) or INTERNAL_ERROR
    return line if len(line) <= MAX_ERROR_LENGTH else line[: MAX_ERROR_LENGTH - 1].rstrip() + "…"
