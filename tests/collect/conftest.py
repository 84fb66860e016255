"""Shared by the collect tests: the sandbox marketplace (crawls) and the local OpenAI-compatible server (scores)."""

from tests.campaigns.conftest import fake_ai  # noqa: F401 - the local AI server, for thorough validation
from tests.platforms.conftest import sandbox, sandbox_process  # noqa: F401 - the sandbox marketplace, for crawls
