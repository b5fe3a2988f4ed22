"""People: CSV import, the HR people list and erasure, each person's privacy page; the demo
organisation's people."""
from __future__ import annotations

from flask import Flask

from advocacy.core import blobs
from advocacy.people import demo, role_routes
from advocacy.people.cli import people_cli
from advocacy.people.importing import import_waiting_files, uses_upload
from advocacy.people.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(role_routes.bp)
    app.cli.add_command(people_cli)
    demo.init_app(app)
    blobs.add_holder(app, uses_upload)
    blobs.add_file_importer(app, import_waiting_files)
