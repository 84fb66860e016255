"""The house rules of `shared/DESIGN.md`, checked on the source so a new violation fails CI.

- A dependency points one way: routes → service → tables, tasks → service.
- A domain uses another only through its `service.py` (and its `schemas.py` for
  types); a foreign key to `auth.tables.Workspace` is the one exception.
- `app.py` wires routes, `worker.py` imports only the domains' `tasks` modules.
- No import of `backend` inside a function (the way a cycle gets hidden) and no
  import cycle between modules.
- The sandbox marketplace is its own program: it imports nothing of the API.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1] / "backend"
# Shared by all domains; any module may import these.
INFRASTRUCTURE = {"core", "settings", "db"}
# Wiring at the top of the package; they are checked by their own rules below.
WIRING = {"app", "worker", "cli", "apidocs", "spa", "piccolo_conf", "__init__"}
# Process set-up that the API and the worker share (not a domain's logic).
PROCESS_SETUP = {"backend.observability.logging", "backend.observability.sentry"}
# `sellpilot` loads a command's modules when the command runs, so `--help` stays fast
# and the sandbox process never loads the API; these are not cycles being hidden.
LAZY_IMPORTS_ALLOWED = {"backend.cli"}


@dataclass(frozen=True)
class Import:
    source: str  # importing module, e.g. backend.listings.service
    target: str  # imported module, e.g. backend.platforms.service
    line: int
    in_function: bool
    type_checking: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(BACKEND.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, name: str | None) -> str:
    """`from backend.x import y` imports the module backend.x.y when there is one."""
    if name is not None:
        candidate = f"{module}.{name}"
        relative = Path(*candidate.split("."))
        if (BACKEND.parent / relative).with_suffix(".py").exists() or (BACKEND.parent / relative).is_dir():
            return candidate
    return module


def _imports(path: Path) -> Iterator[Import]:
    source = _module_name(path)
    tree = ast.parse(path.read_text(), str(path))

    def visit(node: ast.AST, in_function: bool, type_checking: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("backend"):
                        yield Import(source, alias.name, child.lineno, in_function, type_checking)
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("backend"):
                for alias in child.names:
                    target = _resolve(child.module, alias.name)
                    yield Import(source, target, child.lineno, in_function, type_checking)
            else:
                guarded = type_checking or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
                nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                yield from visit(child, nested, guarded)

    yield from visit(tree, False, False)


def backend_imports() -> list[Import]:
    return [imp for path in sorted(BACKEND.rglob("*.py")) for imp in _imports(path)]


def _domain(module: str) -> str:
    """backend.listings.service → listings; backend.app → app."""
    return module.split(".")[1] if module.count(".") >= 1 else ""


def _leaf(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def _is_top_level(module: str) -> bool:
    return module.count(".") == 1 and _domain(module) in WIRING


def test_no_backend_import_inside_a_function() -> None:
    found = [
        f"{imp.source}:{imp.line} imports {imp.target} inside a function"
        for imp in backend_imports()
        if imp.in_function and imp.source not in LAZY_IMPORTS_ALLOWED
    ]
    assert not found, "Fix the direction of the dependency instead:\n" + "\n".join(found)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for imp in backend_imports():
        if not imp.in_function and not imp.type_checking and imp.source != imp.target:
            graph.setdefault(imp.source, set()).add(imp.target)
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    assert not cycles, "Import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def _domain_rule_violation(imp: Import) -> str | None:
    src, dst = imp.source, imp.target
    src_domain, dst_domain = _domain(src), _domain(dst)
    if _is_top_level(src) or src_domain == dst_domain or dst_domain in INFRASTRUCTURE or dst == "backend":
        return None
    if src_domain == "sandbox":
        return "the sandbox imports nothing of the API"
    if _leaf(dst) in {"service", "schemas"} and dst.count(".") == 2:
        return None
    if dst == "backend.auth.tables" and _leaf(src) == "tables":
        return None  # the foreign key to Workspace
    if dst in PROCESS_SETUP and src_domain == "observability":
        return None
    return f"uses {dst}; another domain is reached only through backend.{dst_domain}.service (or .schemas)"


def _layer_rule_violation(imp: Import) -> str | None:
    src, dst = imp.source, imp.target
    src_leaf, dst_leaf = _leaf(src), _leaf(dst)
    if _is_top_level(src):
        return None
    if dst_leaf == "routes":
        return "routes are wired by backend.app only"
    if dst_leaf == "tasks" and src_leaf != "tasks":
        return "tasks are registered by backend.worker only"
    if src_leaf in {"routes", "tasks"} and dst_leaf == "tables":
        return f"{src_leaf} reach tables only through their service"
    return None


def test_domains_and_layers_depend_one_way() -> None:
    found = []
    for imp in backend_imports():
        if imp.type_checking:
            continue
        reason = _domain_rule_violation(imp) or _layer_rule_violation(imp)
        if reason:
            found.append(f"{imp.source}:{imp.line} → {imp.target}: {reason}")
    assert not found, "\n".join(dict.fromkeys(found))


def test_app_wires_and_worker_registers_only_tasks() -> None:
    found = []
    for imp in backend_imports():
        if imp.source == "backend.worker":
            domain = _domain(imp.target)
            allowed = domain in INFRASTRUCTURE or imp.target in PROCESS_SETUP or _leaf(imp.target) == "tasks"
            if not allowed:
                found.append(f"backend.worker:{imp.line} imports {imp.target}; it imports only tasks modules")
    assert not found, "\n".join(dict.fromkeys(found))


def test_no_backend_module_is_too_long() -> None:
    # About 450 lines at most; a file past this has more than one concern and is split.
    limit = 480
    long_files = {
        str(path.relative_to(BACKEND.parent)): n
        for path in BACKEND.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > limit
    }
    assert not long_files, f"Split these (over {limit} lines): {long_files}"
