"""The README's backup and restore: pg_dump of a deployed database with people in it, pg_restore
into a new database, gunicorn serving from the restored one, and a person made before the dump
logs in there."""
from __future__ import annotations

import shutil
import urllib.request

import pytest

from bench.httpclient import Session

from ..conftest import IN_CI
from . import release
from .conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.deploy

HR_EMAIL, HR_PASSWORD = "hanna@example.com", "backed-up-" + ADMIN_PASSWORD


@pytest.fixture
def pg_tools():
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        if IN_CI:
            pytest.fail(f"{', '.join(missing)} missing under CI=true (.ci/run installs postgresql-client)")
        pytest.skip(f"needs {', '.join(missing)} (apt-get install postgresql-client)")


@pytest.fixture
def restored_database():
    name = release.create_database()
    yield name
    release.drop_database(name)


def in_venv(deployment, script: str, **env: str) -> release.Shell:
    venv_bin = str(deployment.folder / "venv" / "bin")
    return release.Shell(script, deployment.folder,
                         {**deployment.env, "PATH": venv_bin + ":" + deployment.env["PATH"],
                          "FLASK_APP": "advocacy", **env})


def finished(shell: release.Shell, timeout: float = 120) -> str:
    code = shell.process.wait(timeout=timeout)
    shell.stop()
    assert code == 0, shell.output[-4000:]
    return shell.output


def test_a_dump_restored_into_a_new_database_serves_the_same_people(deployment, pg_tools, restored_database):
    finished(in_venv(deployment, f'flask users create {HR_EMAIL} --name "Hanna Bakker" --roles hr '
                                 f'--password "{HR_PASSWORD}"'))
    deployment.timer.mark("a person added")
    finished(in_venv(deployment, release.readme_block("backup"), PGURL=release.libpq_url(deployment.database),
                     RESTORE_URL=release.libpq_url(restored_database)))
    deployment.timer.mark("pg_dump and pg_restore")
    assert (deployment.folder / "advocacy.dump").stat().st_size > 10_000

    restored = in_venv(deployment, "exec gunicorn 'advocacy:create_app()'",
                       DATABASE_URL=release.database_url(restored_database))
    try:
        base_url = restored.wait_for(release.LISTENING, timeout=60).group(1)
        release.wait_until_ready(base_url)
        deployment.timer.mark("served from the restored database")
        hr = Session(base_url)
        assert hr.login(HR_EMAIL, HR_PASSWORD).status == 302
        assert hr.get("/hr").status == 200
        admin = Session(base_url)
        assert admin.login(release.ADMIN_EMAIL, ADMIN_PASSWORD).status == 302
        assert admin.get("/courses/basic").status == 200  # the curriculum came along
        request = urllib.request.Request(base_url + "/login", headers={"Accept-Language": "nl"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "Inloggen" in response.read().decode()
    finally:
        restored.stop()
    upgrade = finished(in_venv(deployment, "flask db upgrade", DATABASE_URL=release.database_url(restored_database)))
    assert "Running upgrade" not in upgrade  # the restored schema is already at the head
