from piccolo.conf.apps import AppConfig

from backend.platforms.tables import BrowserProfile, PlatformAccount, Proxy
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="platforms",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "platforms"),
    table_classes=[Proxy, BrowserProfile, PlatformAccount],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
