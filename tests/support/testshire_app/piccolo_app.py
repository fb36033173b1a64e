"""Piccolo's view of Testshire's own table and its migration."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from tests.support.testshire_app.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="testshire",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
    migration_dependencies=["portal.piccolo_app"],
)
