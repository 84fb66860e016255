"""Billing enforces every domain's limits and imports none of them: they call billing, never the other way.

The domains that own a counted resource register its counter and fitter in
`backend.core.quotas`, so the worker (which applies plan changes from Stripe's
events) must load them too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

BILLING = Path(__file__).resolve().parents[2] / "backend" / "billing"
SHARED = ("backend.core", "backend.settings", "backend.db", "backend.billing")


def _backend_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("backend")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("backend"):
            # `from backend import db` imports backend.db; `from backend.x import y` imports from backend.x.
            found += [node.module if node.module != "backend" else f"backend.{alias.name}" for alias in node.names]
    return found


def test_billing_imports_no_domain() -> None:
    # The routes are the HTTP edge: they may hand billing what they got from another domain's service
    # (the workspace's name for Stripe); the architecture test holds them to services only.
    modules = [path for path in sorted(BILLING.rglob("*.py")) if path.name != "routes.py"]
    assert len(modules) >= 5
    found = [
        f"{path.name} imports {target}"
        for path in modules
        for target in _backend_imports(path)
        if not any(target == allowed or target.startswith(f"{allowed}.") for allowed in SHARED)
        and not (path.name == "tables.py" and target == "backend.auth.tables")  # the foreign key to Workspace
    ]
    assert not found, "billing reads other domains only through backend.core.quotas:\n" + "\n".join(found)


def test_the_worker_counts_and_fits_seats(test_env: dict[str, str]) -> None:
    # The worker applies Stripe's plan changes; auth's seats must be registered there too.
    script = (
        "import backend.worker\n"
        "from backend.core import quotas\n"
        "from backend.core.quotas import Resource\n"
        "assert quotas.is_counted(Resource.seats), 'auth did not register its seats in the worker'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=test_env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
