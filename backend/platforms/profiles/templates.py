"""Browser profile templates: realistic current desktop and mobile Chrome fingerprints.

Data only. Keep the user agents current (Chrome's stable major version) when
updating: an old browser version stands out to platforms.
"""

from __future__ import annotations

from backend.platforms.schemas import ProfileTemplateOut

CHROME_MAJOR = "142"

TEMPLATES: dict[str, ProfileTemplateOut] = {
    "chrome_windows": ProfileTemplateOut(
        name="chrome_windows",
        title="Chrome on Windows",
        user_agent=(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{CHROME_MAJOR}.0.0.0 Safari/537.36"
        ),
        viewport_width=1920,
        viewport_height=1080,
        locale="en-US",
        timezone="UTC",
        is_mobile=False,
    ),
    "chrome_mac": ProfileTemplateOut(
        name="chrome_mac",
        title="Chrome on macOS",
        user_agent=(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{CHROME_MAJOR}.0.0.0 Safari/537.36"
        ),
        viewport_width=1440,
        viewport_height=900,
        locale="en-US",
        timezone="UTC",
        is_mobile=False,
    ),
    "mobile_android": ProfileTemplateOut(
        name="mobile_android",
        title="Chrome on Android",
        user_agent=(
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{CHROME_MAJOR}.0.0.0 Mobile Safari/537.36"
        ),
        viewport_width=412,
        viewport_height=915,
        locale="en-US",
        timezone="UTC",
        is_mobile=True,
    ),
}
