import pytest

from ..access import Row, cases, check

EVERYONE = dict(employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200)
HR_ONLY = dict(anon=302, employee=403, manager=403, hr=200, marketing=403, reviewer=403, admin=403)
MANAGER_ONLY = dict(anon=302, employee=403, manager=200, hr=403, marketing=403, reviewer=403, admin=403)
MARKETING_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=200, reviewer=403, admin=403)
ADMIN_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200)


def transcript_of(key, suffix=""):
    return lambda world: f"/people/{world[key].id}/transcript{suffix}"


ACCESS = [
    Row("GET", "/hr", **HR_ONLY),
    Row("GET", "/team", **MANAGER_ONLY),
    Row("GET", "/hr/overdue", **HR_ONLY),
    Row("GET", "/team/overdue", **MANAGER_ONLY),
    Row("GET", "/hr/export/completion.csv", rule="/hr/export/<table>.csv", **HR_ONLY),
    Row("GET", "/hr/export/overdue.csv", rule="/hr/export/<table>.csv", hr=200, manager=403),
    Row("GET", "/hr/export/nonsense.csv", rule="/hr/export/<table>.csv", hr=404, employee=403),
    Row("GET", "/team/export/expiring.csv", rule="/team/export/<table>.csv", **MANAGER_ONLY),
    Row("GET", "/team/export/policy.csv", rule="/team/export/<table>.csv", manager=200, hr=403),
    # the employee reports to the manager; the other employee reports to nobody
    Row("GET", transcript_of("employee"), rule="/people/<int:person_id>/transcript",
        anon=302, employee=403, manager=200, hr=200, marketing=403, reviewer=403, admin=403),
    Row("GET", transcript_of("other_employee"), rule="/people/<int:person_id>/transcript",
        anon=302, employee=403, manager=404, hr=200, marketing=403),
    Row("GET", "/people/999999/transcript", rule="/people/<int:person_id>/transcript", manager=404, hr=404),
    Row("GET", transcript_of("employee", ".csv"), rule="/people/<int:person_id>/transcript.csv",
        anon=302, employee=403, manager=200, hr=200, marketing=403, admin=403),
    Row("GET", transcript_of("other_employee", ".csv"), rule="/people/<int:person_id>/transcript.csv",
        manager=404, hr=200),
    Row("POST", lambda w: f"/people/{w['employee'].id}/due", rule="/people/<int:person_id>/due",
        data={"tier": "basic", "due_on": "2026-05-01"},
        anon=302, employee=403, manager=403, hr=302, marketing=403, reviewer=403, admin=403),
    Row("POST", "/people/999999/due", rule="/people/<int:person_id>/due", data={"tier": "basic"}, hr=404),
    Row("GET", "/analytics", **MARKETING_ONLY),
    Row("GET", "/analytics?days=7", rule="/analytics", **MARKETING_ONLY),
    Row("GET", lambda w: f"/analytics/posts/{w['post'].id}", rule="/analytics/posts/<int:post_id>", **MARKETING_ONLY),
    Row("GET", "/analytics/posts/999999", rule="/analytics/posts/<int:post_id>", marketing=404, employee=403),
    Row("GET", lambda w: f"/analytics/posts/{w['post'].id}.csv", rule="/analytics/posts/<int:post_id>.csv",
        **MARKETING_ONLY),
    Row("GET", "/analytics/posts/999999.csv", rule="/analytics/posts/<int:post_id>.csv", marketing=404, hr=403),
    Row("GET", "/analytics/export/posts.csv", rule="/analytics/export/<table>.csv", **MARKETING_ONLY),
    Row("GET", "/analytics/export/users.csv", rule="/analytics/export/<table>.csv", marketing=404, admin=403),
    Row("GET", "/admin/audit", **ADMIN_ONLY),
    Row("GET", "/admin/audit.csv", **ADMIN_ONLY),
    Row("GET", "/leaderboard", anon=302, **EVERYONE),
    Row("GET", "/unsubscribe/forged-token", rule="/unsubscribe/<token>", anon=404, employee=404, hr=404),
    Row("POST", "/unsubscribe/forged-token", rule="/unsubscribe/<token>", anon=404, employee=404),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)
