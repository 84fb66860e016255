"""Billing enforces every domain's limits and imports none of them: they call billing, never the other way.

The domains that own a counted resource register its counter and fitter in
`backend.core.quotas`, so the worker (which applies plan changes from Stripe's
events) must load them too.
"""

from __future__ import annotations

import subprocess
import sys

from tests.test_architecture import backend_imports

# The audit log is a low-level domain every domain writes to (plan changes are audited); it imports no
# domain back (only core, settings and auth's tables for the foreign key), so billing depends on nothing that
# depends on billing.
SHARED = ("backend.core", "backend.settings", "backend.db", "backend.billing", "backend.audit.service")


def test_billing_imports_no_domain() -> None:
    # The routes are the HTTP edge: they may hand billing what they got from another domain's service
    # (the workspace's name for Stripe); the architecture test holds them to services only.
    imports = [
        imp
        for imp in backend_imports()
        if imp.source.startswith("backend.billing.") and imp.source != "backend.billing.routes"
    ]
    assert len({imp.source for imp in imports}) >= 5
    found = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in imports
        if not any(imp.target == allowed or imp.target.startswith(f"{allowed}.") for allowed in SHARED)
        and not (imp.source == "backend.billing.tables" and imp.target == "backend.auth.tables")  # FK to Workspace
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
