"""Selectors and paths are data: the code names only entries that exist, and the data has no dead entries.

Every data lookup in the drivers goes through a `WebDriver` helper with the
name as a string literal, so the names the code uses can be read from its source.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from backend.platforms.drivers import pinterest, site_data, tiktok, vinted, web, web_page
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
    "click_through": "selectors",
    "type_into": "selectors",
    "upload": "selectors",
    "choose": "selectors",
    "submit": "selectors",
    "collect": "selectors",
    "_any": "selectors",
    "image_page": "selectors",
    "path": "paths",
    "match": "patterns",
    "texts": "texts",
}
# Helpers whose every positional argument is a name.
MULTI_NAME = {"wait_any", "which", "click_through"}
# Keyword arguments of those helpers that are names too.
NAME_KEYWORDS = {"success", "error", "also"}
MODULES = {"vinted": vinted, "pinterest": pinterest, "tiktok": tiktok}
# What every real-site driver builds on: the shared flows, the page helpers they use, the data loader.
SHARED = (web, web_page, site_data)


def _strings(node: ast.expr) -> list[str]:
    """The string literals of an argument: "name", or ("name", "other")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def names_used(module: object) -> dict[str, set[str]]:
    """Data names the module's `self.<helper>(...)` calls pass as literals; fails on a non-literal name."""
    used: dict[str, set[str]] = {section: set() for section in DATA_SECTIONS}
    source = inspect.getsource(module)  # type: ignore[arg-type]
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.func.attr in HELPERS
        ):
            continue
        helper = node.func.attr
        positional = node.args if helper in MULTI_NAME else node.args[1:] if helper == "_any" else node.args[:1]
        for argument in positional:
            names = _strings(argument)
            # A variable is fine only inside the shared helpers, which pass their parameters on.
            assert names or module in SHARED, f"{helper}() gets a name that is not a literal: {ast.dump(argument)}"
            used[HELPERS[helper]].update(names)
        for keyword in node.keywords:
            if keyword.arg in NAME_KEYWORDS:
                used["selectors"].update(_strings(keyword.value))
    return used


@pytest.mark.parametrize("platform", sorted(MODULES))
def test_data_names_match_the_code(platform: str) -> None:
    data = load_platform_data(platform)
    shared, own = [names_used(module) for module in SHARED], names_used(MODULES[platform])
    for section in DATA_SECTIONS:
        in_data = data.names(section)
        in_code = set().union(*(used[section] for used in shared)) | own[section]
        missing = in_code - in_data
        assert not missing, f"{platform}.json lacks {section}: {sorted(missing)}"
        unused = in_data - in_code
        assert not unused, f"{platform}.json has {section} no code uses: {sorted(unused)}"


@pytest.mark.parametrize("platform", sorted(MODULES))
def test_every_selector_has_alternatives_primary_first(platform: str) -> None:
    data = load_platform_data(platform)
    for name in data.names("selectors"):
        alternatives = data.selectors.alternatives(name)
        assert alternatives, name
        assert len(set(alternatives)) == len(alternatives), f"{name} repeats an alternative"


def test_no_selector_strings_in_driver_code() -> None:
    for module in (*SHARED, *MODULES.values()):
        source = Path(inspect.getfile(module)).read_text()
        for marker in ("data-testid", "data-test-id", "data-e2e", "[aria-", "button[", ":has-text("):
            assert marker not in source, f"{module.__name__} has a selector in code ({marker})"
