"""Selectors and paths are data: the code names only entries that exist, and the data has no dead entries.

Every data lookup in the drivers goes through a `WebDriver` helper with the
name as a string literal, so the names the code uses can be read from its source.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from backend.platforms.drivers import pinterest, tiktok, vinted, web
from backend.platforms.drivers.web import DATA_SECTIONS, load_platform_data

# Helper → which data section its string arguments name.
HELPERS = {
    "find": "selectors",
    "find_optional": "selectors",
    "present": "selectors",
    "text_of": "selectors",
    "attribute_of": "selectors",
    "all_of": "selectors",
    "wait_any": "selectors",
    "which": "selectors",
    "type_into": "selectors",
    "upload": "selectors",
    "choose": "selectors",
    "submit": "selectors",
    "collect": "selectors",
    "_any": "selectors",
    "path": "paths",
    "match": "patterns",
    "texts": "texts",
}
# Keyword arguments of those helpers that are names too.
NAME_KEYWORDS = {"success", "error"}
MODULES = {"vinted": vinted, "pinterest": pinterest, "tiktok": tiktok}


def names_used(module: object) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {section: set() for section in DATA_SECTIONS}
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        ):
            # `for step in ("a", "b"): await self.find(step)` and `also=("x",)`
            parent_strings = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            used.setdefault("_tuples", set()).update(parent_strings)
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.func.attr in HELPERS
        ):
            continue
        section = HELPERS[node.func.attr]
        literal_args = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value
        ]
        if section == "selectors" and node.func.attr in {"wait_any", "which"}:
            names = literal_args
        elif node.func.attr == "_any":
            names = literal_args[-1:]
        else:
            names = literal_args[:1]
        names += [
            k.value.value
            for k in node.keywords
            if k.arg in NAME_KEYWORDS and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
        ]
        used[section].update(names)
    return used


@pytest.mark.parametrize("platform", sorted(MODULES))
def test_data_names_match_the_code(platform: str) -> None:
    data = load_platform_data(platform)
    shared, own = names_used(web), names_used(MODULES[platform])
    tuples = shared.pop("_tuples", set()) | own.pop("_tuples", set())
    for section in DATA_SECTIONS:
        in_data = data.names(section)
        in_code = shared[section] | own[section]
        missing = in_code - in_data
        assert not missing, f"{platform}.json lacks {section}: {sorted(missing)}"
        # Names reached through a loop over a tuple of names count as used.
        unused = in_data - in_code - tuples
        assert not unused, f"{platform}.json has {section} no code uses: {sorted(unused)}"
    # Every name listed in a tuple in the driver's own code must exist somewhere in its data.
    every_name = set().union(*(data.names(section) for section in DATA_SECTIONS))
    for name in own.get("_tuples", set()):
        assert name in every_name


@pytest.mark.parametrize("platform", sorted(MODULES))
def test_every_selector_has_alternatives_primary_first(platform: str) -> None:
    data = load_platform_data(platform)
    for name in data.names("selectors"):
        alternatives = data.selectors.alternatives(name)
        assert alternatives, name
        assert len(set(alternatives)) == len(alternatives), f"{name} repeats an alternative"


def test_no_selector_strings_in_driver_code() -> None:
    for module in (web, *MODULES.values()):
        source = Path(inspect.getfile(module)).read_text()
        for marker in ("data-testid", "data-test-id", "data-e2e", "[aria-", "button[", ":has-text("):
            assert marker not in source, f"{module.__name__} has a selector in code ({marker})"
