from piccolo.conf.apps import AppConfig

from backend.billing.tables import BillingEvent, PlanOverride, Subscription, Usage, UsageCharge
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="billing",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "billing"),
    table_classes=[Subscription, BillingEvent, Usage, UsageCharge, PlanOverride],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
