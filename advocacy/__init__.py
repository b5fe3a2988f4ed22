"""Advocacy: train employees for social media, then equip them to share."""
from flask import Flask

from . import config as config_module


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
    from . import models, web  # noqa: F401  (models: the whole schema for Alembic)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .auth.routes import bp as auth
    from .courses.routes import bp as courses
    from .feed.routes import bp as feed
    from .main.routes import bp as main
    from .people.routes import bp as people
    from .quizzes.routes import bp as quizzes
    from .reports.routes import bp as reports

    for blueprint in (main, auth, people, courses, quizzes, feed, reports):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from .courses.cli import content_cli
    from .people.cli import demo_command, people_cli, users_cli
    from .quizzes.cli import quiz_cli
    from .reports.cli import register as register_report_commands

    for command in (users_cli, people_cli, demo_command, content_cli, quiz_cli):
        app.cli.add_command(command)
    register_report_commands(app)
