"""Who may open what: every route of the URL configuration, for every role and scope and for
someone not signed in. The rules are written here, route by route; a route added without a
rule fails this test, and so does a route that answers someone it should not.

A route a person may use answers them (2xx, or a redirect that is not to the sign-in page);
anyone else is refused (401, 403, 404 or 405) or, not signed in, sent to sign in. Routes
that only take a POST are checked with a POST of nothing from those who may not use them
(refused before anything is read) and with a GET from everyone (never a 5xx)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tanjai.conftest import PERSONAS

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(name for name, _role, _scope in PERSONAS) | {"dpo_officer"}
TECHNICIANS = frozenset({"chonburi_tech", "chonburi_tech2", "khonkaen_tech"})
ORG = frozenset({"call_centre", "analyst", "committee", "evaluator", "admin", "dpo_officer"})
READERS = EVERYONE - TECHNICIANS - {"dpo_officer"}  # reports and the monthly report
OUTSIDE_CHONBURI = frozenset({"khonkaen_centre", "khonkaen_manager", "region6"})
REGISTER = frozenset(
    {"call_centre", "chonburi_officer", "chonburi_centre", "chonburi_manager", "khonkaen_centre",
     "khonkaen_manager", "admin"}
)  # fmt: skip
# Who sees the Chonburi complaint of the fixture (region 1; dispatched to chonburi_tech).
SEES_CHONBURI = frozenset(
    {"call_centre", "chonburi_officer", "chonburi_centre", "chonburi_tech", "chonburi_manager",
     "region1", "analyst", "committee", "evaluator", "admin", "dpo_officer"}
)  # fmt: skip
# Who may see who its complainant is (documents, the survey card's link).
HANDLES_CHONBURI = frozenset(
    {"call_centre", "chonburi_officer", "chonburi_centre", "chonburi_tech", "chonburi_manager",
     "region1", "admin"}
)  # fmt: skip
CENTRE_CHONBURI = frozenset({"chonburi_centre", "chonburi_manager", "admin"})
TELEPHONE = frozenset({"chonburi_centre", "chonburi_manager", "khonkaen_centre", "khonkaen_manager", "admin"})  # fmt: skip
IMPORTERS = frozenset({"call_centre", "chonburi_officer", "chonburi_centre", "chonburi_manager",
                       "khonkaen_centre", "khonkaen_manager", "admin"})  # fmt: skip
HEAD_OFFICE_READERS = frozenset({"call_centre", "analyst", "committee", "evaluator", "admin"})
ISSUE_READERS = frozenset({"analyst", "committee", "evaluator", "admin"})
NOBODY: frozenset[str] = frozenset()
PUBLIC = "public"  # anyone, signed in or not

# name -> (method, who may use it). Paths come from FILL below.
RULES: dict[str, tuple[str, frozenset[str] | str]] = {
    # The public portal, webhooks and health.
    "portal-home": ("GET", PUBLIC),
    "portal-track": ("GET", PUBLIC),
    "portal-receipt": ("GET", NOBODY),  # only the browser that sent the form
    "portal-privacy": ("GET", PUBLIC),
    "portal-survey": ("GET", NOBODY),  # a signed link; a made-up token is refused
    "webhook-line": ("POST", NOBODY),  # signed bodies only
    "webhook-facebook": ("POST", NOBODY),
    "healthz": ("GET", PUBLIC),
    "set_language": ("POST", PUBLIC),
    "login": ("GET", PUBLIC),
    "admin-login": ("GET", PUBLIC),
    "logout": ("POST", EVERYONE),
    "password-change": ("GET", EVERYONE),
    "password_change_done": ("GET", EVERYONE),
    # The staff application.
    "staff-home": ("GET", EVERYONE),
    "staff-queue": ("GET", EVERYONE),  # one's own scope's queue (a technician: own jobs)
    # The dispatch bulk action: the branches' centres and managers.
    "staff-queue-bulk": ("POST", TELEPHONE),
    "staff-dashboard": ("GET", EVERYONE),
    "staff-reports": ("GET", READERS - OUTSIDE_CHONBURI),  # asked for Chonburi
    "staff-report-download": ("GET", READERS - OUTSIDE_CHONBURI),
    "staff-monthly": ("GET", READERS),
    "staff-monthly-submit": ("POST", READERS),
    "staff-datacenter-export": ("GET", HEAD_OFFICE_READERS),
    "staff-issues": ("GET", ISSUE_READERS),  # and the owners of actions (none here)
    "staff-issue": ("GET", ISSUE_READERS),
    "staff-evidence": ("GET", NOBODY),  # no evidence in the fixture: not found for all
    "staff-complaint-new": ("GET", REGISTER),
    "staff-customer-lookup": ("POST", REGISTER),
    "staff-complaint-registered": ("GET", EVERYONE),  # the number alone, read back
    "staff-complaint": ("GET", SEES_CHONBURI),
    "staff-attachment-upload": ("POST", HANDLES_CHONBURI),
    "staff-attachment": ("GET", HANDLES_CHONBURI),  # the document: who sees the customer
    "staff-duplicates-mark": ("POST", HANDLES_CHONBURI),
    "staff-complaint-action": ("POST", SEES_CHONBURI),
    "staff-notice-resend": ("POST", CENTRE_CHONBURI),
    # Recording a call: who may log a contact with this customer and read their number.
    "staff-notice-told": (
        "POST",
        CENTRE_CHONBURI | {"call_centre", "chonburi_officer", "chonburi_tech"},
    ),
    "staff-telephone-tasks": ("GET", TELEPHONE),
    "staff-local-sms": ("GET", frozenset({"admin"})),
    "staff-survey-card": ("GET", NOBODY),  # the fixture's complaint is not closed
    "staff-imports": ("GET", IMPORTERS),
    "staff-import": ("GET", frozenset({"chonburi_officer", "call_centre", "admin"})),
    "staff-import-answers": ("GET", IMPORTERS),
    "staff-import-rejected": ("GET", frozenset({"chonburi_officer", "call_centre", "admin"})),
    "staff-import-resume": ("POST", frozenset({"chonburi_officer", "call_centre", "admin"})),
    "privacy-requests": ("GET", frozenset({"dpo_officer"})),
    "privacy-request": ("GET", NOBODY),  # no request in the fixture
    "privacy-request-copy": ("GET", NOBODY),
    # The API (token or session): the document is public, everything else signed in.
    "api-v1:openapi-json": ("GET", PUBLIC),
    "api-v1:openapi-view": ("GET", PUBLIC),
    "api-v1:api-root": ("GET", NOBODY),
    "api-v1:path_unknown": ("GET", NOBODY),
    "api-v1:token_create": ("POST", PUBLIC),  # anyone may ask, with a username and password
    "api-v1:token_delete": ("POST", PUBLIC),  # a POST here is token_create (DELETE revokes)
    "api-v1:token_list": ("GET", EVERYONE),
    "api-v1:tokens_delete": ("GET", EVERYONE),  # GET lists; DELETE is checked in accounts
    "api-v1:token_delete_by_id": ("POST", NOBODY),
    "api-v1:channels_list": ("GET", EVERYONE),
    "api-v1:categories_list": ("GET", EVERYONE),
    "api-v1:branches_list": ("GET", EVERYONE),
    "api-v1:complaints_create": ("GET", EVERYONE),  # GET lists one's own scope
    "api-v1:complaints_list": ("GET", EVERYONE),
    "api-v1:complaints_get": ("GET", SEES_CHONBURI),
    "api-v1:complaints_act": ("POST", SEES_CHONBURI),
    "api-v1:attachments_create": ("POST", HANDLES_CHONBURI),
    "api-v1:report_get": ("GET", READERS - OUTSIDE_CHONBURI),
    "api-v1:datacenter_get": ("GET", HEAD_OFFICE_READERS),
}


# What a well-formed POST carries, where the route reads a body before anything else.
POST_BODIES: dict[str, dict] = {
    "api-v1:complaints_act": {
        "data": {"contact_method": "phone", "customer_reached": False, "note": "โทรไม่ติด"},
        "content_type": "application/json",
    },
    "api-v1:attachments_create": {
        "data": {"kind": "document", "file": io.BytesIO(b"%PDF-1.4 a letter")},
    },
}


def routes(
    patterns: list | None = None, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from routes(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{ns}:{p.name}" if ns else p.name), prefix + str(p.pattern)


@pytest.fixture
def world(register, advance, persona, tmp_path):
    """A Chonburi complaint dispatched to chonburi_tech, with a document and a telephone
    notice; an organisation-level issue; chonburi_officer's import."""
    from django.contrib.auth import get_user_model

    from tanjai.accounts.services import user_create
    from tanjai.channels.models import ImportBatch, ImportFormat
    from tanjai.complaints.attachments import attachment_add
    from tanjai.improvement.services import issue_create
    from tanjai.notifications.models import Notification

    user_create(username="dpo_officer", role="dpo", scope="org", password="x-Tanjai-2569-dpo!")
    complaint = advance(register(), "dispatch")
    document = io.BytesIO(b"%PDF-1.4 a letter")
    document.name = "letter.pdf"
    from django.utils import timezone

    attachment, _ = attachment_add(actor=persona("call_centre"), tracking_no=complaint.tracking_no,
                                   upload=document, kind="document", now=timezone.now())  # fmt: skip
    notice = Notification.objects.filter(complaint=complaint, to_customer=True).first()
    issue = issue_create(actor=persona("committee"), title="น้ำขุ่นซ้ำในเขต 1",
                         tracking_numbers=[complaint.tracking_no])  # fmt: skip
    batch = ImportBatch.objects.create(
        format=ImportFormat.objects.get(code="gcc1111"), file_name="1111.csv", sha256="0" * 64,
        uploaded_by=get_user_model().objects.get(username="chonburi_officer"), status="done",
    )  # fmt: skip
    return {
        "tracking_no": complaint.tracking_no,
        "pk": {"staff-attachment": attachment.pk, "staff-notice-resend": notice.pk if notice else 1,
               "staff-notice-told": notice.pk if notice else 1, "staff-issue": issue.pk,
               "staff-import": batch.pk, "staff-import-rejected": batch.pk,
               "staff-import-resume": batch.pk},
    }  # fmt: skip


def path_of(name: str, pattern: str, world: dict) -> str:
    fills = {
        "<str:tracking_no>": world["tracking_no"],
        "<tracking_no>": world["tracking_no"],
        "<slug:name>": "to_dispatch" if "bulk" in name else "to_forward",
        "<str:token>": "not-a-signed-token",
        "<slug:action>": "contact_log",
        "<action>": "contact_log",
        "<report>": "category-sla",
        "<month>": "2026-10",
        "<token_id>": "1",
        "<path:rest>": "nothing/here",
        "<int:pk>": str(world["pk"].get(name, 999_999)),
    }
    path = "/" + pattern
    for key, value in fills.items():
        path = path.replace(key, value)
    assert "<" not in path, (name, pattern)
    if name in ("staff-reports", "staff-report-download", "api-v1:report_get"):
        path += "?report=category-sla&scope=branch:chonburi&period=2026-10"
    if name == "staff-import-answers":
        path += "?format=gcc1111&period=2026-10"
    return path


def test_every_route_has_a_rule():
    names = {name for name, _pattern in routes() if not name.startswith("admin:")}
    missing = sorted(names - set(RULES))
    assert not missing, f"routes without a rule in this test: {missing}"
    assert not sorted(set(RULES) - names), "rules of routes that are gone"


def signed_in(username: str | None) -> Client:
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def test_each_route_answers_those_it_should_and_refuses_the_others(world):
    allowed_codes = {200, 201, 204, 302}
    # A refusal says who may not, not what was wrong with the input: a 400 or a 409 to
    # someone outside the rule would mean the input was read before their right was checked.
    refused_codes = {401, 403, 404, 405, 410}
    failures = []
    checked = 0
    for name, pattern in sorted(routes()):
        if name.startswith("admin:"):
            continue
        method, who = RULES[name]
        path = path_of(name, pattern, world)
        for username in [None, *sorted(EVERYONE)]:
            client = signed_in(username)
            may = who == PUBLIC or (username is not None and username in who)
            if method == "POST" and may:
                # Not sent: a POST that is allowed would act. A GET must not fail.
                response = client.get(path)
                if response.status_code >= 500:
                    failures.append(f"{name} GET by {username}: {response.status_code}")
                continue
            if method == "POST":
                # A well-formed request, so that a refusal is for who asks, not for the input.
                response = client.post(path, **POST_BODIES.get(name, {}))
            else:
                response = client.get(path)
            status = response.status_code
            checked += 1
            to_login = status == 302 and "/login/" in response.get("Location", "")
            if status >= 500:
                failures.append(f"{name} {method} {path} by {username}: {status}")
            elif may and (status not in allowed_codes or to_login):
                failures.append(
                    f"{name} {method} {path} by {username}: {status}, expected an answer"
                )
            elif not may and not (
                status in refused_codes or to_login or (status == 302 and username is None)
            ):
                failures.append(
                    f"{name} {method} {path} by {username}: {status}, expected a refusal"
                )
    assert not failures, "\n".join(failures)
    assert checked > 700


def test_the_admin_is_for_administrators_only(world):
    admin_pages = [
        path_of(name, pattern, world)
        for name, pattern in routes()
        if name.startswith("admin:")
        and "<" not in pattern
        and name not in ("admin:logout", "admin:autocomplete")  # a POST; needs a field
    ]
    assert len(admin_pages) > 20
    for username in sorted(EVERYONE - {"admin"}):
        client = signed_in(username)
        for path in admin_pages:
            status = client.get(path).status_code
            assert status in (302, 403, 404), (path, username, status)
    admin = signed_in("admin")
    for path in admin_pages:
        status = admin.get(path).status_code
        # 403 on "add" for what is never added by hand (logs, tasks, runs).
        assert status in (200, 302) or (status == 403 and path.endswith("/add/")), (path, status)
