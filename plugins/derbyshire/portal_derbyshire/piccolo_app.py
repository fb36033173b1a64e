"""Piccolo's view of Derbyshire's own tables and their migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from portal_derbyshire.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="derbyshire",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
    migration_dependencies=["portal.piccolo_app"],
)
