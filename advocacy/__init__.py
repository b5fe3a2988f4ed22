"""Advocacy: train employees for social media, then equip them to share."""
from flask import Flask

from advocacy.api import feature as api_feature
from advocacy.core import config as config_module
from advocacy.core import feature as core_feature
from advocacy.feed import feature as feed_feature
from advocacy.identity import feature as identity_feature
from advocacy.identity.scim import feature as scim_feature
from advocacy.learning import feature as learning_feature
from advocacy.main import feature as main_feature
from advocacy.people import feature as people_feature
from advocacy.reports import feature as reports_feature
from advocacy.studio import feature as studio_feature
from advocacy.webhooks import feature as webhooks_feature
from advocacy.xapi import feature as xapi_feature

# The one place the version lives (setup.cfg reads it; `flask version` prints it); CHANGELOG.md says
# what each version changed.
__version__ = "0.2.0.dev0"

# Lowest floor first. Each feature registers its own pages, commands, navigation, goal measures,
# privacy parts and demo steps. (Names end in _feature: a bare `core` here would hide the package.)
FEATURES = (core_feature, identity_feature, scim_feature, learning_feature, feed_feature, people_feature,
            webhooks_feature, studio_feature, xapi_feature, reports_feature, api_feature, main_feature)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update(config or {})
    config_module.check(app.config)
    for feature in FEATURES:
        feature.init_app(app)
    return app
