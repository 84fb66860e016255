from piccolo.conf.apps import AppConfig

from backend.collect.tables import CollectedImage, Collection, CrawlChunk, Project
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="collect",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "collect"),
    table_classes=[Project, Collection, CrawlChunk, CollectedImage],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
