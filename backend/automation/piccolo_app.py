from piccolo.conf.apps import AppConfig

from backend.automation.tables import AutomationRule, Conversation, InboxMessage, MessageLedger, MessageTemplate
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="automation",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "automation"),
    table_classes=[AutomationRule, MessageTemplate, MessageLedger, Conversation, InboxMessage],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
