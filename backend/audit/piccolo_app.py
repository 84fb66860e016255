from piccolo.conf.apps import AppConfig

from backend.audit.tables import AuditEntry
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "audit"),
    table_classes=[AuditEntry],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
