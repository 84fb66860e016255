from piccolo.conf.apps import AppConfig

from backend.analytics.tables import (
    AccountRollup,
    AnalyticsEvent,
    AnalyticsItem,
    DailyRollup,
    HourlyRollup,
    Sale,
    SyncState,
)
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="analytics",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "analytics"),
    table_classes=[AnalyticsEvent, HourlyRollup, AnalyticsItem, DailyRollup, AccountRollup, SyncState, Sale],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
