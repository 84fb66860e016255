"""Reading typed values out of the environment, with errors that name the variable."""

from __future__ import annotations

from backend.settings.groups import RateLimit, SettingsError


class Env:
    """Reads variables from the process environment first, then `.env`."""

    def __init__(self, environ: dict[str, str]) -> None:
        self._environ = environ

    def text(self, name: str, default: str) -> str:
        value = self._environ.get(name)
        return default if value is None or value.strip() == "" else value.strip()

    def optional(self, name: str) -> str | None:
        value = self._environ.get(name)
        return None if value is None or value.strip() == "" else value.strip()

    def integer(self, name: str, default: int, minimum: int = 0) -> int:
        raw = self.text(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} must be a whole number") from None
        if value < minimum:
            raise SettingsError(f"{name} must be at least {minimum}, got {value}")
        return value

    def number(self, name: str, default: float) -> float:
        raw = self.text(name, str(default))
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} must be a number") from None

    def flag(self, name: str, default: bool) -> bool:
        raw = self.text(name, "true" if default else "false").lower()
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{name}={raw!r} must be true or false")

    def rate(self, name: str, default: str) -> RateLimit:
        return RateLimit.parse(name, self.text(name, default))
