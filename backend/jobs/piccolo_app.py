from piccolo.conf.apps import AppConfig

from backend.jobs.tables import Job, JobItem
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="jobs",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "jobs"),
    table_classes=[Job, JobItem],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
