"""Step 9 on screen: ครส. chooses the unit of an improvement action from a sorted, grouped
list, and its owner from the people of that unit rather than typing a username."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from pythainlp.util import collate

from tanjai.conftest import PASSWORD
from tanjai.core.dates import day_typed
from tanjai.improvement.models import ImprovementAction, OrgIssue
from tanjai.organisation.models import Region, Unit, UnitKind

pytestmark = pytest.mark.django_db


class SelectReader(HTMLParser):
    """The options of one <select>, as [(group label or "", value, text)]."""

    def __init__(self, select_id: str) -> None:
        super().__init__()
        self.select_id, self.inside, self.group = select_id, False, ""
        self.options: list[list[str]] = []
        self.attrs: dict[str, str | None] = {}
        self._option: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and attrs.get("id") == self.select_id:
            self.inside, self.attrs = True, attrs
        elif self.inside and tag == "optgroup":
            self.group = attrs["label"]
        elif self.inside and tag == "option":
            self._option = [self.group, attrs.get("value", ""), ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.options.append(self._option)
            self._option = None
        elif tag == "optgroup":
            self.group = ""
        elif tag == "select":
            self.inside = False


def select(html: str, select_id: str) -> SelectReader:
    reader = SelectReader(select_id)
    reader.feed(html)
    assert reader.attrs, f"no select #{select_id}"
    return reader


@pytest.fixture
def committee(persona) -> Client:
    client = Client()
    assert client.login(username="committee", password=PASSWORD)
    return client


@pytest.fixture
def issue(persona) -> OrgIssue:
    from tanjai.improvement.services import issue_create

    return issue_create(actor=persona("committee"), title="แรงดันน้ำต่ำซ้ำ", subcategory="low_pressure")


def test_the_units_are_grouped_by_region_in_number_order_and_branches_in_thai_order(
    committee, issue
):
    html = committee.get(f"/staff/issues/{issue.pk}/").content.decode()
    units = select(html, "a-unit").options
    groups = list(dict.fromkeys(group for group, value, _ in units if value))
    regions = list(Region.objects.order_by("number"))
    assert groups == ["สำนักงานใหญ่"] + [r.name_th for r in regions]  # 10 after 9, not after 1
    head_office = [text for group, _, text in units if group == "สำนักงานใหญ่"]
    assert head_office == collate(head_office)
    assert set(head_office) == set(
        Unit.objects.filter(kind=UnitKind.HQ_DEPARTMENT).values_list("name_th", flat=True)
    )
    region_one = [
        Unit.objects.get(code=value) for group, value, _ in units if group == regions[0].name_th
    ]
    # The region's own units first, then its branches' units.
    own = [u.name_th for u in region_one[:2]]
    assert all(u.branch is None for u in region_one[:2]) and own == collate(own)
    branch_names = [u.branch.name_th for u in region_one[2:]]
    assert len(branch_names) == 22 and branch_names == collate(branch_names)
    # Thai order passes over a leading vowel: แหลมฉบัง among the ห, not after every name.
    assert branch_names != sorted(branch_names)
    assert branch_names.index("กปภ.สาขาแหลมฉบัง") < branch_names.index("กปภ.สาขาอรัญประเทศ")
    owner = select(html, "a-owner")
    assert "disabled" in owner.attrs  # no one to choose before a unit is
    unit = select(html, "a-unit").attrs
    assert unit["hx-get"] == f"/staff/issues/{issue.pk}/?fragment=owners"
    assert unit["hx-target"] == "#a-owner-field"


def test_the_owner_list_is_the_people_of_the_chosen_unit(committee, issue):
    def owners(unit: str) -> dict[str, str]:
        html = committee.get(
            f"/staff/issues/{issue.pk}/",
            {"fragment": "owners", "unit": unit},
            headers={"HX-Request": "true"},
        ).content.decode()
        assert 'id="a-owner-field"' in html and "<html" not in html  # the fragment alone
        return {value: group for group, value, _ in select(html, "a-owner").options if value}

    head_office_staff = set(owners("hq-customer-service"))
    chonburi = owners("chonburi-centre")
    assert set(chonburi) - head_office_staff == {
        "chonburi_officer",
        "chonburi_centre",
        "chonburi_tech",
        "chonburi_tech2",
        "chonburi_manager",
        "region1",
    }
    assert chonburi["chonburi_manager"] == "เจ้าหน้าที่ของ กปภ.สาขาชลบุรี"
    assert chonburi["region1"] == "เจ้าหน้าที่ของ การประปาส่วนภูมิภาคเขต 1"
    # Head office may own any unit's action (the service's rule), listed last.
    assert chonburi["analyst"] == "สำนักงานใหญ่" and list(chonburi)[-1] in head_office_staff
    assert "khonkaen_manager" not in chonburi
    assert set(owners("r6-engineering")) - head_office_staff == {"region6"}
    head_office = owners("hq-customer-service")
    assert {"analyst", "committee", "call_centre"} <= set(head_office)
    assert not {"chonburi_manager", "region1"} & set(head_office)
    # Someone who does not assign actions is not given the staff list, nor may assign.
    outsider = Client()
    assert outsider.login(username="analyst", password=PASSWORD)  # sees every issue
    page = f"/staff/issues/{issue.pk}/"
    assert outsider.get(page).status_code == 200
    assert outsider.get(page, {"fragment": "owners", "unit": "hq-legal"}).status_code == 403
    assign = {"form": "action", "title": "x", "unit": "hq-legal", "owner": "analyst"}
    assert outsider.post(page, assign).status_code == 403


def test_an_owner_outside_the_unit_is_refused_in_thai_and_the_form_kept(committee, issue):
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = committee.post(
        f"/staff/issues/{issue.pk}/",
        {
            "form": "action",
            "title": "ตรวจวัดแรงดันทั้งเขต",
            "unit": "chonburi-centre",
            "owner": "khonkaen_manager",
            "due_date": due,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    owner = select(html, "a-owner")
    message = re.search(r'id="a-owner_error"[^>]*>(.*?)</p>', html, flags=re.DOTALL).group(1)
    assert "khonkaen_manager ไม่ได้เป็นเจ้าหน้าที่ของ ศูนย์ประปาทันใจ กปภ.สาขาชลบุรี" in message
    assert owner.attrs["aria-invalid"] == "true"
    assert "chonburi_manager" in [value for _, value, _ in owner.options]  # choose again
    # What was typed is kept; the day comes back in the Buddhist Era (never mm/dd/yyyy).
    typed = day_typed(date.fromisoformat(due))
    assert 'value="ตรวจวัดแรงดันทั้งเขต"' in html and f'value="{typed}"' in html
    assert re.search(r'<option value="chonburi-centre" selected>', html)
    assert not ImprovementAction.objects.filter(issue=issue).exists()

    chosen = committee.post(
        f"/staff/issues/{issue.pk}/",
        {
            "form": "action",
            "title": "ตรวจวัดแรงดันทั้งเขต",
            "unit": "chonburi-centre",
            "owner": "region1",
            "due_date": due,
        },
    )
    assert chosen.status_code == 302
    action = ImprovementAction.objects.get(issue=issue)
    assert (action.unit.code, action.owner.username) == ("chonburi-centre", "region1")


def test_the_services_refusals_show_on_their_fields(committee, issue):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = committee.post(
        f"/staff/issues/{issue.pk}/",
        {
            "form": "action",
            "title": "ตรวจวัดแรงดัน",
            "unit": "chonburi-centre",
            "owner": "chonburi_manager",
            "due_date": past,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="a-due_date_error"[^>]*><span class="error">[^<]+', html)
    assert not ImprovementAction.objects.filter(issue=issue).exists()
