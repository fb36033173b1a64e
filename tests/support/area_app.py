"""A Piccolo app an area plugin could own: one table, no migrations (tests only)."""

from pathlib import Path

from piccolo.columns import Varchar
from piccolo.conf.apps import AppConfig
from piccolo.table import Table


class AreaNote(Table, tablename="testshire_area_note"):
    text = Varchar(length=100)


APP_CONFIG = AppConfig(
    app_name="testshire_area",
    migrations_folder_path=str(Path(__file__).parent / "area_app_migrations"),
    table_classes=[AreaNote],
    migration_dependencies=["portal.piccolo_app"],
)
