"""The README's "Deploying" steps work as written: a wheel from a clean tree, a fresh venv outside
the source tree, a fresh PostgreSQL database, gunicorn, and Dutch for Dutch readers."""
from __future__ import annotations

import subprocess
import urllib.request

import pytest

from bench.httpclient import Session

from . import release
from .conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.deploy


def test_every_step_succeeded_and_the_app_runs_from_the_installed_wheel(deployment):
    output = deployment.shell.output
    assert "Synced content:" in output and "Content not synced" not in output, output[-3000:]
    assert f"Created {release.ADMIN_EMAIL} with roles admin" in output, output[-3000:]
    where = subprocess.run([str(deployment.folder / "venv" / "bin" / "python"), "-c",
                            "import advocacy; print(advocacy.__file__)"], cwd="/", capture_output=True,
                           text=True, check=True).stdout.strip()
    assert where.startswith(str(deployment.folder / "venv")), where
    assert not where.startswith(str(release.ROOT))


def test_the_wheel_holds_migrations_translations_curriculum_and_static_files(deployment):
    import zipfile

    names = zipfile.ZipFile(next(deployment.folder.glob("advocacy-*.whl"))).namelist()
    assert "advocacy/translations/nl/LC_MESSAGES/messages.mo" in names
    assert "advocacy/migrations/env.py" in names and any(n.startswith("advocacy/migrations/versions/") for n in names)
    assert "advocacy/content/en/basic/course.md" in names and "advocacy/content/nl/policy.md" in names
    assert "advocacy/static/app.css" in names


def test_a_dutch_reader_gets_dutch_and_the_static_files_are_served(deployment):
    request = urllib.request.Request(deployment.base_url + "/login", headers={"Accept-Language": "nl"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert "Inloggen" in page and "Wachtwoord" in page
    with urllib.request.urlopen(deployment.base_url + "/static/app.css", timeout=10) as response:
        assert response.status == 200 and len(response.read()) > 100
    with urllib.request.urlopen(deployment.base_url + "/healthz", timeout=10) as response:
        assert response.status == 200


def test_the_admin_made_by_the_steps_logs_in_and_lands_on_admin(deployment):
    session = Session(deployment.base_url)
    response = session.login(release.ADMIN_EMAIL, ADMIN_PASSWORD)
    assert response.status == 302, response.text[:500]
    assert session.get("/admin").status == 200
    assert session.get("/courses/basic").status == 200  # the shipped curriculum was synced
