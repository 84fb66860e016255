from piccolo.conf.apps import AppConfig

from backend.listings.tables import Listing, PlatformListing, PriceChange, PriceRule
from backend.settings import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="listings",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "listings"),
    table_classes=[Listing, PriceChange, PlatformListing, PriceRule],
    migration_dependencies=["backend.auth.piccolo_app", "backend.platforms.piccolo_app"],
    commands=[],
)
