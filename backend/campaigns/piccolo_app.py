from piccolo.conf.apps import AppConfig

from backend.campaigns.tables import Campaign, CampaignPost, ContentBatch
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="campaigns",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "campaigns"),
    table_classes=[Campaign, ContentBatch, CampaignPost],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
