"""The request class of the app: JSON bodies nested too deeply are refused before anything decodes them.

A body such as `[[[[…]]]]` a thousand levels deep makes the JSON decoder recurse
until Python gives up (RecursionError: a 500, and a traceback per request). No
request of this API nests more than a few levels, so anything deeper than
`MAX_JSON_DEPTH` is a 400, checked on the raw bytes.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

MAX_JSON_DEPTH = 64

# A JSON string, escapes included. It also takes an unterminated string (and a
# trailing lone backslash) to the end of the body, so that a match that starts
# never fails: the scan stays linear whatever the bytes.
_STRING = re.compile(rb'"[^"\\]*+(?:\\(?:.|\Z)[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1

TOO_DEEP = f"Request body is nested too deeply: at most {MAX_JSON_DEPTH} levels of [ ] and {{ }}"


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of `body` nest deeper than `limit`, brackets inside strings not counted.

    Work in C for most bodies: a count of opening brackets is enough when there are
    few; otherwise strings are cut out and the running depth of what remains is
    taken with iterators (no Python loop per byte).
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def _is_json(media_type: str) -> bool:
    media_type = media_type.lower()
    return media_type == "application/json" or media_type.endswith("+json")


class AppRequest(Request[Any, Any, Any]):
    """Litestar's request, with the nesting check on every JSON body however it is read."""

    _depth_checked = False

    def _check_depth(self, body: bytes) -> None:
        if not self._depth_checked:
            if json_too_deep(body):
                raise ClientException(TOO_DEEP)
            self._depth_checked = True

    async def body(self) -> bytes:
        body = await super().body()
        if _is_json(self.content_type[0]):
            self._check_depth(body)
        return body

    async def json(self) -> Any:
        # Handlers decode the body as JSON whatever its Content-Type says.
        self._check_depth(await self.body())
        return await super().json()
