"""Advocacy: train employees for social media, then equip them to share."""
from flask import Flask

from advocacy.core import config as config_module


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update(config or {})
    config_module.check(app.config)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from advocacy import models  # noqa: F401  (models: the whole schema for Alembic)
    from advocacy.core import web
    from advocacy.core.extensions import babel, csrf, limiter, login_manager, migrate
    from advocacy.core.db import db

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)


def register_blueprints(app: Flask) -> None:
    from advocacy.identity.routes import bp as auth
    from advocacy.learning.pages.lessons import bp as courses
    from advocacy.feed.routes import bp as feed
    from advocacy.main.routes import bp as main
    from advocacy.people.routes import bp as people
    from advocacy.learning.pages.quizzes import bp as quizzes
    from advocacy.reports.routes import bp as reports

    for blueprint in (main, auth, people, courses, quizzes, feed, reports):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from advocacy.learning.curriculum.cli import content_cli
    from advocacy.core.demo import demo_command
    from advocacy.people.cli import people_cli
    from advocacy.identity.cli import users_cli
    from advocacy.learning.banks.cli import quiz_cli
    from advocacy.reports.cli import register as register_report_commands

    for command in (users_cli, people_cli, demo_command, content_cli, quiz_cli):
        app.cli.add_command(command)
    register_report_commands(app)
