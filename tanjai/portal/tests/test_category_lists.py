"""The lists of the two entry forms, the citizen's on the portal and the channel officer's:
a subcategory belongs to the chosen category (the form refuses another category's, in
Thai, under the field), and the branches come in the Thai order of their Thai names."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tanjai.complaints.models import Complaint
from tanjai.conftest import PASSWORD
from tanjai.intake.tests.test_entry_form import FORM
from tanjai.organisation.models import Branch
from tanjai.portal.tests.test_portal import send
from tanjai.reference.models import Subcategory

pytestmark = pytest.mark.django_db

LEADING_VOWELS = "เแโใไ"


class SelectReader(HTMLParser):
    """The options of one <select> of a page: (group label, value, data-category)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside, self.group = name, False, ""
        self.options: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self.inside = a.get("name") == self.name
        elif self.inside and tag == "optgroup":
            self.group = a.get("label") or ""
        elif self.inside and tag == "option":
            self.options.append((self.group, a.get("value") or "", a.get("data-category")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.inside = False
        elif tag == "optgroup":
            self.group = ""


def options(page: str, name: str) -> list[tuple[str, str, str | None]]:
    reader = SelectReader(name)
    reader.feed(page)
    return reader.options


def field_errors(page: str, field: str) -> str:
    """The text of the error list that follows a field's widget."""
    start = page.index(f'id="id_{field}"')
    after = page[start:]
    assert '<ul class="errors"' in after[: after.index("<label")], f"no error under {field}"
    errors = after[after.index('<ul class="errors"') :]
    return errors[: errors.index("</ul>")]


@pytest.fixture
def officer(client):
    assert client.login(username="chonburi_officer", password=PASSWORD)
    return client


def pages(client) -> dict[str, str]:
    portal = client.get("/").content.decode()
    assert client.login(username="chonburi_officer", password=PASSWORD)
    return {"portal": portal, "staff": client.get("/staff/new/").content.decode()}


def test_each_subcategory_option_names_its_category_and_sits_under_it(client):
    for where, page in pages(client).items():
        subs = [o for o in options(page, "subcategory") if o[1]]
        assert len(subs) == Subcategory.objects.filter(active=True).count(), where
        for group, code, category in subs:
            sub = Subcategory.objects.select_related("category").get(code=code)
            assert category == sub.category.code, (where, code)
            assert group == sub.category.name_th, (where, code)  # the page is in Thai


def test_the_portal_refuses_a_subcategory_of_another_category_in_thai(client):
    response = send(client, category="supply", subcategory="turbid")
    assert response.status_code == 400 and Complaint.objects.count() == 0
    page = response.content.decode()
    message = field_errors(page, "subcategory")
    assert "“น้ำขุ่น”" in message and "“น้ำไม่ไหล / ไหลอ่อน”" in message
    assert "turbid" not in message  # the names of the lists, not codes
    # The same subcategory under its own category goes through.
    assert send(client, category="quality", subcategory="turbid").status_code == 302


def test_the_entry_form_refuses_a_subcategory_of_another_category_in_thai(officer):
    response = officer.post("/staff/new/", {**FORM, "subcategory": "turbid"})
    assert response.status_code == 400 and Complaint.objects.count() == 0
    page = response.content.decode()
    message = field_errors(page, "subcategory")
    assert "“น้ำขุ่น”" in message and "“น้ำไม่ไหล / ไหลอ่อน”" in message
    assert "น้ำไม่ไหลตั้งแต่เช้า" in page  # what was typed is kept
    done = officer.post("/staff/new/", {**FORM, "category": "quality", "subcategory": "turbid"})
    assert done.status_code == 302 and Complaint.objects.get().subcategory.code == "turbid"


def test_branches_come_in_thai_order_of_their_thai_names(client):
    names = dict(Branch.objects.values_list("code", "name_th"))
    assert any(n.removeprefix("กปภ.สาขา")[0] in LEADING_VOWELS for n in names.values())
    for where, page in pages(client).items():
        listed = [names[code] for _group, code, _c in options(page, "branch") if code]
        assert len(listed) == Branch.objects.filter(active=True).count(), where
        # In a Thai dictionary a leading vowel is passed over: เชียงใหม่ files under ช,
        # แหลมฉบัง under ห; in code-point order they all fall after ฮ.
        initials = [n.removeprefix("กปภ.สาขา").lstrip(LEADING_VOWELS)[0] for n in listed]
        assert initials == sorted(initials), where
