"""Configuration for Piccolo's own tooling (migrations); the running app builds
its engine from Settings instead. Both read PORTAL_DATABASE_URL."""

from piccolo.conf.apps import AppRegistry

from portal.db import engine_from_url
from portal.plugins import installed_database_apps
from portal.settings import database_url_from_env

DB = engine_from_url(database_url_from_env())
# The core first; each installed area plugin's app declares it depends on the core's.
APP_REGISTRY = AppRegistry(apps=["portal.piccolo_app", *installed_database_apps()])
