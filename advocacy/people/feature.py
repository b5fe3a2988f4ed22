"""People: CSV import, the HR people list and erasure, each person's privacy page; the demo
organisation's people."""
from __future__ import annotations

from flask import Flask, request

from advocacy.core import blobs
from advocacy.people import demo, role_routes
from advocacy.people.cli import people_cli
from advocacy.people.importing import import_waiting_files, uses_upload
from advocacy.people.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(role_routes.bp)
    app.config.setdefault("IMPORT_MAX_BYTES", 16 * 1024 * 1024)

    def allow_big_imports() -> None:
        """A people file may be bigger than MAX_CONTENT_LENGTH (50,000 people are about 4.5 MB).
        First of all before_request functions: the CSRF check reads the body."""
        if request.endpoint == "people.import_upload":
            request.max_content_length = app.config["IMPORT_MAX_BYTES"]

    app.before_request_funcs.setdefault(None, []).insert(0, allow_big_imports)
    app.cli.add_command(people_cli)
    demo.init_app(app)
    blobs.add_holder(app, uses_upload)
    blobs.add_file_importer(app, import_waiting_files)
