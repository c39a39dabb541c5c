"""The complaint publishes what happens and knows nothing of who listens: a new listener hears
every action inside its transaction, files go with the action that brings them, the survey's
score and a branch's move reach the complaint through their own doors."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tanjai.complaints.errors import Conflict, InvalidInput
from tanjai.complaints.models import Attachment, AttachmentKind, Complaint, Event
from tanjai.complaints.services import complaint_act
from tanjai.complaints.signals import Change, action_applying, action_done, event_appended

pytestmark = pytest.mark.django_db


def png(name: str = "leak.png", colour: tuple[int, int, int] = (200, 30, 30)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, format="PNG")
    out.seek(0)
    out.name = name
    return out


@pytest.fixture
def heard():
    """A listener connected as a new feature would connect itself."""
    seen: dict[str, list[Any]] = {"applying": [], "appended": [], "done": []}

    def applying(*, change: Change, **_: Any) -> None:
        assert not Complaint.objects.filter(
            pk=change.complaint.pk, version=change.complaint.version
        ).exists(), "heard before the complaint is saved"
        change.data["heard"] = True
        seen["applying"].append(change.action)

    def appended(*, event: Event, **_: Any) -> None:
        seen["appended"].append(event.action)

    def done(*, change: Change, event: Event, **_: Any) -> None:
        seen["done"].append((change.action, event.pk))

    action_applying.connect(applying, dispatch_uid="test.applying")
    event_appended.connect(appended, dispatch_uid="test.appended")
    action_done.connect(done, dispatch_uid="test.done")
    yield seen
    action_applying.disconnect(dispatch_uid="test.applying")
    event_appended.disconnect(dispatch_uid="test.appended")
    action_done.disconnect(dispatch_uid="test.done")


def test_a_new_listener_hears_every_action_and_may_add_to_its_event(register, advance, heard):
    complaint = register()
    assert heard["done"][0][0] == "register"
    advance(complaint, "dispatch")
    assert heard["applying"] == ["forward", "dispatch"]
    assert heard["appended"] == ["register", "forward", "dispatch"]
    dispatched = Event.objects.get(complaint=complaint, action="dispatch")
    assert heard["done"][-1] == ("dispatch", dispatched.pk)
    # What the listener added is in the event, beside the work order dispatch added.
    assert dispatched.data["heard"] is True and dispatched.data["work_order"]


def test_a_listener_that_fails_undoes_the_action(register, persona):
    complaint = register()

    def refuse(*, change: Change, **_: Any) -> None:
        raise InvalidInput("refused by a listener")

    action_done.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(InvalidInput):
            complaint_act(
                tracking_no=complaint.tracking_no, actor=persona("call_centre"), action="forward"
            )
    finally:
        action_done.disconnect(dispatch_uid="test.refuse")
    complaint.refresh_from_db()
    assert complaint.status == "received" and complaint.version == 1
    assert not Event.objects.filter(complaint=complaint, action="forward").exists()


def test_photos_go_with_the_action_in_its_transaction(register, advance, persona):
    complaint = advance(register(), "dispatch")
    tech = persona("chonburi_tech")
    # A refused report (the page was stale) keeps none of its photos.
    with pytest.raises(Conflict):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=tech,
            action="report_fixed",
            data={"result": "ซ่อมแล้ว"},
            expected_version=complaint.version - 1,
            uploads=[(png("after.png"), AttachmentKind.PHOTO_AFTER)],
        )
    assert not Attachment.objects.filter(complaint=complaint).exists()
    # A file that is not a photo refuses the report before anything is written.
    text = io.BytesIO(b"not a photo at all")
    text.name = "note.txt"
    with pytest.raises(InvalidInput):
        complaint_act(
            tracking_no=complaint.tracking_no,
            actor=tech,
            action="report_fixed",
            data={"result": "ซ่อมแล้ว"},
            uploads=[(png("before.png"), AttachmentKind.PHOTO_BEFORE), (text, "photo_after")],
        )
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    assert not Attachment.objects.filter(complaint=complaint).exists()
    # Accepted: the report and both photos, each with its event, after the action's.
    complaint_act(
        tracking_no=complaint.tracking_no,
        actor=tech,
        action="report_fixed",
        data={"result": "ซ่อมแล้ว"},
        uploads=[
            (png("before.png", (10, 10, 10)), AttachmentKind.PHOTO_BEFORE),
            (png("after.png", (20, 200, 20)), AttachmentKind.PHOTO_AFTER),
        ],
    )
    kinds = sorted(Attachment.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert kinds == sorted([AttachmentKind.PHOTO_BEFORE, AttachmentKind.PHOTO_AFTER])
    actions = list(
        Event.objects.filter(complaint=complaint).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-3:] == ["report_fixed", "attach", "attach"]


def test_a_complaint_registered_with_files_keeps_them_together(persona):
    from tanjai.conftest import new_complaint_payload
    from tanjai.intake.services import complaint_register

    officer = persona("call_centre")
    complaint, created = complaint_register(
        actor=officer,
        data=new_complaint_payload(),
        intake_key="with-a-photo",
        uploads=[(png(), AttachmentKind.PHOTO_BEFORE)],
    )
    assert created and complaint.attachments.count() == 1
    again, created = complaint_register(
        actor=officer,
        data=new_complaint_payload(),
        intake_key="with-a-photo",
        uploads=[(png(), AttachmentKind.PHOTO_BEFORE)],
    )
    assert again.pk == complaint.pk and not created and again.attachments.count() == 1


def test_the_survey_score_goes_through_the_door(register, advance, persona, heard):
    from tanjai.portal.survey import survey_answer

    complaint = advance(register(), "verify")
    complaint = complaint_act(
        tracking_no=complaint.tracking_no,
        actor=persona("chonburi_centre"),
        action="close",
        data={"customer_reached": False},
    )
    assert complaint.satisfaction is None
    assert survey_answer(complaint=complaint, score=2, comment="ช้า", channel="web") is True
    complaint.refresh_from_db()
    assert complaint.satisfaction == 2
    event = Event.objects.get(complaint=complaint, action="survey_answered")
    assert event.data == {"score": 2, "channel": "web"} and event.note == "ช้า"
    assert heard["done"][-1] == ("survey_answered", event.pk)
    # A second answer changes nothing.
    assert survey_answer(complaint=complaint, score=5, comment="", channel="web") is False
    complaint.refresh_from_db()
    assert complaint.satisfaction == 2
    assert Event.objects.filter(complaint=complaint, action="survey_answered").count() == 1


def test_a_branch_moved_to_another_region_takes_its_complaints_along(register):
    from tanjai.organisation.models import Region
    from tanjai.organisation.services import branch_region_sync

    complaint = register()
    branch = complaint.branch
    other = Region.objects.exclude(pk=branch.region_id).first()
    events = Event.objects.filter(complaint=complaint).count()
    branch.region = other
    branch.save()
    branch_region_sync(branch=branch)
    complaint.refresh_from_db()
    assert complaint.region_id == other.pk
    # No complaint changed (its branch's region did): no event, the same version.
    assert Event.objects.filter(complaint=complaint).count() == events
    assert complaint.version == 1
