from piccolo.conf.apps import AppConfig

from backend.media.tables import MediaFile
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="media",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "media"),
    table_classes=[MediaFile],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
