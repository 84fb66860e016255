"""The API process does not import the heavy SDKs (openai, stripe, playwright) until it uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from backend.core.lazy import import_lazy_modules, lazy_module

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("openai", "stripe", "playwright")


def test_the_api_process_starts_without_the_heavy_sdks(test_env: dict[str, str]) -> None:
    code = (
        "import json, sys\n"
        "import backend.app\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=test_env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_a_worker_still_gets_them_all(test_env: dict[str, str]) -> None:
    # The worker loads the same modules; using a lazy module there imports the real SDK.
    code = (
        "import json, sys\n"
        "import backend.worker\n"
        "from backend.billing import stripe_api\n"
        "from backend.platforms.drivers import base\n"
        "from backend.ai import providers\n"
        "names = [stripe_api.stripe.StripeClient.__module__, base.playwright_api.TimeoutError.__module__,\n"
        "         providers.openai.AsyncOpenAI.__module__]\n"
        "print(json.dumps(names))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=test_env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    stripe_module, playwright_module, openai_module = json.loads(result.stdout.splitlines()[-1])
    assert stripe_module.startswith("stripe")
    assert playwright_module.startswith("playwright")
    assert openai_module.startswith("openai")


def test_a_worker_imports_them_at_start_up() -> None:
    assert {"openai", "stripe", "playwright.async_api"} <= set(import_lazy_modules())
    assert {"openai", "stripe", "playwright.async_api"} <= set(sys.modules)


def test_a_lazy_module_is_the_module_once_read() -> None:
    lazy_json = lazy_module("json")
    assert lazy_json.dumps is json.dumps
    assert "json" in repr(lazy_json)
