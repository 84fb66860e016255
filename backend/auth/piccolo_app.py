from piccolo.conf.apps import AppConfig

from backend.auth.tables import Invitation, Membership, RefreshToken, User, Workspace
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="auth",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "auth"),
    table_classes=[User, Workspace, Membership, Invitation, RefreshToken],
    migration_dependencies=[],
    commands=[],
)
