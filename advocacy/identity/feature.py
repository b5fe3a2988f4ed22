"""Sign-in, sessions, invitations and password links; `flask users`."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import delete

from advocacy.core.db import db
from advocacy.core.privacy import add_eraser
from advocacy.identity import mfa_routes, oidc, passwords, sessions, sso_routes
from advocacy.identity.cli import users_cli
from advocacy.identity.models import AuthToken, IdentityLink, RecoveryCode, SecondFactor
from advocacy.identity.routes import bp


def forget_links(person) -> None:
    """An erased person's invitation and reset links, and their single sign-on links, stop existing."""
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == person.id))
    db.session.execute(delete(IdentityLink).where(IdentityLink.user_id == person.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == person.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == person.id))


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    passwords.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(mfa_routes.bp)
    oidc.init_app(app)
    app.register_blueprint(sso_routes.bp)
    app.cli.add_command(users_cli)
    add_eraser(app, forget_links)
