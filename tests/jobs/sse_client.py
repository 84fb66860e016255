"""A small Server-Sent Events reader over httpx, as a browser's EventSource would read."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Message:
    event: str = "message"
    data: str = ""
    id: str | None = None
    comment: str | None = None
    retry: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.data)
        return parsed


async def messages(response: httpx.Response) -> AsyncIterator[Message]:
    """Messages (and comment-only heartbeats) as they arrive."""
    current = Message()
    data_lines: list[str] = []
    seen_field = False
    async for line in response.aiter_lines():
        if line == "":
            if seen_field:
                current.data = "\n".join(data_lines)
                yield current
            current, data_lines, seen_field = Message(), [], False
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        seen_field = True
        if name == "":
            current.comment = value
        elif name == "data":
            data_lines.append(value)
        elif name == "event":
            current.event = value
        elif name == "id":
            current.id = value
        elif name == "retry":
            current.retry = int(value)
