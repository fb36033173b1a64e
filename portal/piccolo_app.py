"""Piccolo's view of the core: its tables and committed migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from portal.tables import CORE_TABLES

APP_CONFIG = AppConfig(
    app_name="portal",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(CORE_TABLES),
)
