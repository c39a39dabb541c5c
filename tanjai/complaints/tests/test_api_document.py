"""The OpenAPI document says what the API does: who must sign in, which reports and actions
exist and what each action's body holds, and the one shape of every error. The document is
read as a client reads it, and what it says is then checked against real answers."""

from __future__ import annotations

import pytest

from tanjai.complaints.inputs import ACTION_INPUTS
from tanjai.complaints.workflow import ACTIONS
from tanjai.conftest import new_complaint_payload

pytestmark = pytest.mark.django_db

SIX_REPORTS = ["category-sla", "satisfaction", "resolved", "results", "krs-quarter", "evaluation"]
# Stand-ins for path parameters that the document does not enumerate.
PATH_VALUES = {"tracking_no": "69-0000001-2", "month": "2026-10", "token_id": "1"}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def resolve(document, schema):
    name = schema["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][name]


def needs_sign_in(document, operation) -> bool:
    return bool(operation.get("security", document.get("security")))


def filled(path: str, operation) -> str:
    for p in operation["parameters"]:
        if p["in"] == "path":
            value = p["schema"].get("enum", [PATH_VALUES.get(p["name"])])[0]
            path = path.replace("{" + p["name"] + "}", value)
    return path


def test_every_operation_that_needs_a_token_documents_and_answers_401(client, document):
    protected = [
        (path, method, op)
        for path, method, op in operations(document)
        if needs_sign_in(document, op)
    ]
    assert len(protected) >= 10  # the reference data, complaints, actions, files, reports
    for path, method, operation in protected:
        documented = operation["responses"].get("401")
        assert documented, f"{method.upper()} {path} does not document 401"
        assert (
            resolve(document, documented["content"]["application/json"]["schema"])
            == (document["components"]["schemas"]["ErrorOut"])
        )
        response = getattr(client, method)(
            filled(path, operation), {}, content_type="application/json"
        )
        assert response.status_code == 401, (method, path, response.content)
        assert response.json() == {"detail": "authentication required", "errors": {}}
    public = [path for path, _, op in operations(document) if not needs_sign_in(document, op)]
    assert public == ["/api/v1/auth/token"]


def test_every_documented_error_has_the_error_shape(document):
    shape = document["components"]["schemas"]["ErrorOut"]
    assert set(shape["required"]) == {"detail", "errors"}
    assert shape["properties"]["errors"]["type"] == "object"
    for path, method, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (path, method, status)


def test_the_report_parameter_is_one_of_the_six_reports(api, document):
    operation = document["paths"]["/api/v1/reports/{report}"]["get"]
    [report] = [p for p in operation["parameters"] if p["name"] == "report"]
    assert report["schema"]["enum"] == SIX_REPORTS
    assert {"400", "401", "403"} <= set(operation["responses"])
    unknown = api("analyst").get("/reports/complaints-by-colour", period="2026-10")
    assert unknown.status_code == 400
    assert "category-sla" in unknown.json()["errors"]["report"][0]


def test_the_action_body_is_the_body_of_one_of_the_actions(document):
    operation = document["paths"]["/api/v1/complaints/{tracking_no}/actions/{action}"]["post"]
    [action] = [p for p in operation["parameters"] if p["name"] == "action"]
    assert action["schema"]["enum"] == list(ACTIONS)
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    bodies = {
        schema["title"]: schema for schema in (resolve(document, ref) for ref in body["anyOf"])
    }
    for code in ACTIONS:
        schema = bodies["".join(part.capitalize() for part in code.split("_")) + "Body"]
        # Each action's fields as its input model takes them, and the optional version.
        assert set(schema["properties"]) == set(ACTION_INPUTS[code].model_fields) | {"version"}
        assert schema["additionalProperties"] is False
        assert f"`{code}`" in schema["description"]
    dispatch = bodies["DispatchBody"]
    assert set(dispatch["required"]) == {"assignees", "team_type"}
    assert dispatch["properties"]["team_type"]["enum"] == ["mr_prapa", "service_team"]
    assert dispatch["properties"]["assignees"]["type"] == "array"
    inform = bodies["InformCustomerBody"]
    assert set(inform["required"]) == {"plan", "promised_at", "contact_method"}
    assert inform["properties"]["promised_at"]["format"] == "date-time"
    assert "phone" in inform["properties"]["contact_method"]["enum"]
    assert "late_reason" in inform["properties"]
    assert operation["requestBody"]["required"] is False  # verify, resume: no body needed


def test_errors_carry_errors_whatever_the_status(api, client):
    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]

    def shape(response, status):
        assert response.status_code == status, response.content
        body = response.json()
        assert isinstance(body["detail"], str) and isinstance(body["errors"], dict)
        return body

    # 401: no token, a wrong token, a wrong password.
    shape(client.get(f"/api/v1/complaints/{number}"), 401)
    shape(client.get("/api/v1/complaints", headers={"Authorization": "Bearer nope"}), 401)
    wrong = client.post(
        "/api/v1/auth/token",
        {"username": "chonburi_centre", "password": "guess"},
        content_type="application/json",
    )
    assert shape(wrong, 401)["errors"] == {}
    # 403: an analyst may read but not act; a technician may not read reports.
    assert shape(api("analyst").act(number, "forward"), 403)["errors"] == {}
    shape(api("chonburi_tech").get("/reports/results", period="2026-10"), 403)
    # 404, 409, and 400 with the field named.
    shape(officer.get("/complaints/69-9999999-9"), 404)
    shape(officer.get("/complaint/" + number), 404)  # a path that names no operation
    assert officer.act(number, "forward").status_code == 200
    shape(officer.act(number, "forward"), 409)  # forwarded already
    unknown = shape(officer.act(number, "polish"), 400)
    assert "forward" in unknown["errors"]["action"][0]
    # 429: the username locked after five wrong passwords.
    for _ in range(4):
        client.post(
            "/api/v1/auth/token",
            {"username": "chonburi_centre", "password": "guess"},
            content_type="application/json",
        )
    locked = client.post(
        "/api/v1/auth/token",
        {"username": "chonburi_centre", "password": "pw-tanjai-test"},
        content_type="application/json",
    )
    assert shape(locked, 429)["errors"] == {}


def test_a_session_post_without_its_csrf_token_is_refused_in_the_error_shape(register):
    from django.test import Client

    from tanjai.conftest import PASSWORD

    number = register().tracking_no
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="call_centre", password=PASSWORD)
    response = browser.post(
        f"/api/v1/complaints/{number}/actions/forward", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["errors"] == {}
