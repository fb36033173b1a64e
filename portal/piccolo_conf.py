"""Configuration for Piccolo's own tooling (migrations); the running app builds
its engine from Settings instead. Both read PORTAL_DATABASE_URL."""

import os

from piccolo.conf.apps import AppRegistry

from portal.db import engine_from_url

DB = engine_from_url(os.environ.get("PORTAL_DATABASE_URL", "sqlite:///var/portal.sqlite"))
APP_REGISTRY = AppRegistry(apps=["portal.piccolo_app"])
