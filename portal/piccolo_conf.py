"""Configuration for Piccolo's own tooling (migrations); the running app builds
its engine from Settings instead. Both read PORTAL_DATABASE_URL."""

import os

from piccolo.conf.apps import AppRegistry

from portal.db import engine_from_url
from portal.plugins import installed_database_apps

DB = engine_from_url(os.environ.get("PORTAL_DATABASE_URL", "sqlite:///var/portal.sqlite"))
# The core first; each installed area plugin's app declares it depends on the core's.
APP_REGISTRY = AppRegistry(apps=["portal.piccolo_app", *installed_database_apps()])
