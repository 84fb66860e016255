"""A small HTML reader for the sandbox tests: the standard library's parser, a tree, simple selectors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join("".join(parts).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def select(self, selector: str) -> list[Node]:
        """`tag`, `.class`, `#id`, `tag.class`, `tag[attr=value]`, and descendants separated by spaces."""
        current = [self]
        for part in selector.split():
            found: list[Node] = []
            for node in current:
                found.extend(n for n in node.iter() if _matches(n, part) and n not in found)
            current = found
        return current

    def one(self, selector: str) -> Node:
        found = self.select(selector)
        assert len(found) == 1, f"{selector!r}: {len(found)} matches"
        return found[0]


def _matches(node: Node, simple: str) -> bool:
    attr_test = None
    if "[" in simple:
        simple, _, rest = simple.partition("[")
        attr_test = rest.rstrip("]")
    tag, *rest = simple.replace("#", ".#").split(".")
    if tag and node.tag != tag:
        return False
    for piece in rest:
        if piece.startswith("#"):
            if node.attrs.get("id") != piece[1:]:
                return False
        elif piece and piece not in node.classes:
            return False
    if attr_test:
        name, _, value = attr_test.partition("=")
        if name not in node.attrs or (value and node.attrs[name] != value.strip("\"'")):
            return False
    return True


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html(response: httpx.Response | str) -> Node:
    builder = _TreeBuilder()
    builder.feed(response if isinstance(response, str) else response.text)
    return builder.root
