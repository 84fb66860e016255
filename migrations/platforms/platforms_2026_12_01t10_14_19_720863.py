from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T10:14:19:720863"
VERSION = "1.38.0"
DESCRIPTION = "account tags"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="platforms", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="PlatformAccount",
        tablename="platform_accounts",
        column_name="tags",
        db_column_name="tags",
        column_class_name="JSON",
        column_class=JSON,
        params={
            "default": "[]",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
