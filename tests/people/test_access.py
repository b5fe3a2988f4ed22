import pytest

from ..access import Row, cases, check

EVERYONE = dict(employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200)
HR_ONLY = dict(anon=302, employee=403, manager=403, hr=200, marketing=403, reviewer=403, admin=403)
ADMIN_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200)
NOT_ADMIN = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403)
NOT_HR = dict(anon=302, employee=403, manager=403, marketing=403, reviewer=403, admin=403)

ACCESS = [
    Row("GET", "/people/import", **HR_ONLY),
    Row("POST", "/people/import", hr=200, **NOT_HR),  # no file: the form again, with the error
    Row("POST", "/people/import/apply", data={"token": "missing", "fingerprint": "x"}, hr=302, **NOT_HR),
    Row("GET", "/people/import/template.csv", **HR_ONLY),
    Row("GET", "/people/import/runs", **HR_ONLY),
    Row("GET", "/people/reinvite", **HR_ONLY),
    Row("POST", "/people/reinvite", hr=303, **NOT_HR),
    Row("GET", "/people/import/runs/999999", rule="/people/import/runs/<int:run_id>", hr=404, **NOT_HR),
    Row("GET", "/people/import/runs/999999/status", rule="/people/import/runs/<int:run_id>/status", hr=404,
        **NOT_HR),
    Row("POST", "/people/import/runs/999999/resume", rule="/people/import/runs/<int:run_id>/resume", hr=404,
        **NOT_HR),
    Row("GET", "/people", **HR_ONLY),
    Row("GET", lambda w: f"/people/{w['other_employee'].id}/erase", rule="/people/<int:person_id>/erase",
        **HR_ONLY),
    Row("GET", "/people/999999/erase", rule="/people/<int:person_id>/erase", hr=404, employee=403),
    Row("POST", lambda w: f"/people/{w['other_employee'].id}/erase", rule="/people/<int:person_id>/erase",
        hr=302, **NOT_HR),
    Row("POST", lambda w: f"/people/{w['hr'].id}/erase", rule="/people/<int:person_id>/erase", hr=409),
    Row("POST", lambda w: f"/people/{w['admin'].id}/erase", rule="/people/<int:person_id>/erase", hr=409),
    Row("GET", "/account/privacy", anon=302, **EVERYONE),
    Row("POST", "/account/privacy", data={"leaderboard_opt_in": "y"}, anon=302, employee=302, admin=302),
    Row("GET", "/account/data", anon=302, **EVERYONE),
    Row("GET", "/admin/roles", **ADMIN_ONLY),
    Row("GET", "/admin/roles?page=99999999999999999999", rule="/admin/roles", admin=200),
    Row("GET", lambda w: f"/admin/roles/{w['other_employee'].id}", rule="/admin/roles/<int:person_id>",
        **ADMIN_ONLY),
    # An id beyond any integer column matches no route: not found for everyone, never a 500.
    Row("GET", "/admin/roles/99999999999", rule="/admin/roles/<int:person_id>", anon=404, admin=404, hr=404,
        employee=404),
    Row("POST", lambda w: f"/admin/roles/{w['other_employee'].id}", rule="/admin/roles/<int:person_id>",
        data={"roles": "manager"}, admin=302, **NOT_ADMIN),
    Row("POST", lambda w: f"/admin/roles/{w['other_employee'].id}", rule="/admin/roles/<int:person_id>",
        data={"roles": "<script>alert(1)</script>"}, admin=400),
    Row("POST", lambda w: f"/admin/roles/{w['admin'].id}", rule="/admin/roles/<int:person_id>",
        data={"roles": "hr"}, admin=403),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)
