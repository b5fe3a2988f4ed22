"""Advocacy: train employees for social media, then equip them to share."""
from flask import Flask

from advocacy import config as config_module


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
    from advocacy import models, web  # noqa: F401  (models: the whole schema for Alembic)
    from advocacy.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)


def register_blueprints(app: Flask) -> None:
    from advocacy.auth.routes import bp as auth
    from advocacy.courses.routes import bp as courses
    from advocacy.feed.routes import bp as feed
    from advocacy.main.routes import bp as main
    from advocacy.people.routes import bp as people
    from advocacy.quizzes.routes import bp as quizzes
    from advocacy.reports.routes import bp as reports

    for blueprint in (main, auth, people, courses, quizzes, feed, reports):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from advocacy.courses.cli import content_cli
    from advocacy.people.cli import demo_command, people_cli, users_cli
    from advocacy.quizzes.cli import quiz_cli
    from advocacy.reports.cli import register as register_report_commands

    for command in (users_cli, people_cli, demo_command, content_cli, quiz_cli):
        app.cli.add_command(command)
    register_report_commands(app)
