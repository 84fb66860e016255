from piccolo.conf.apps import AppConfig

from backend.listings.tables import Listing, PriceChange
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="listings",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "listings"),
    table_classes=[Listing, PriceChange],
    migration_dependencies=["backend.auth.piccolo_app"],
    commands=[],
)
