from flask import Blueprint

from advocacy.identity.guards import person_in_reach_or_404, role_required
from advocacy.core.orgchart import team_ids

from .conftest import Client, login
from .factories import create_user


def test_report_ids_reach_through_layers_of_managers(db, manager, employee):
    intern = create_user("intern@example.com", "Ivo Intern")
    intern.manager = employee
    db.session.commit()
    assert team_ids(manager.id) == {employee.id, intern.id}
    assert team_ids(employee.id) == {intern.id}


def test_guards_give_login_403_and_404(app, db, employee, other_employee, manager, hr):
    from advocacy import create_app

    app = create_app(dict(app.config))
    app.test_client_class = Client
    bp = Blueprint("guard_probe", __name__)

    @bp.get("/probe/hr")
    @role_required("hr")
    def hr_only():
        return "ok"

    @bp.get("/probe/person/<int:person_id>")
    @role_required("employee")
    def person(person_id):
        return person_in_reach_or_404(person_id, hr_sees_all=False).name

    app.register_blueprint(bp)
    client = app.test_client()
    assert "/login" in client.get("/probe/hr").headers["Location"]
    login(client, employee)
    assert client.get("/probe/hr").status_code == 403
    assert client.get(f"/probe/person/{employee.id}").status_code == 200
    assert client.get(f"/probe/person/{other_employee.id}").status_code == 404
    assert client.get("/probe/person/999999").status_code == 404
    login(client, manager)
    assert client.get(f"/probe/person/{employee.id}").status_code == 200
    assert client.get(f"/probe/person/{other_employee.id}").status_code == 404
    login(client, hr)
    assert client.get("/probe/hr").status_code == 200
