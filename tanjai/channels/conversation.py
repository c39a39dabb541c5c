"""A complaint made by chat, step by step, the same for every chat channel: choose the
category, say what is wrong, send the place, add photos, send. Also: "what is happening
with my complaint" by its tracking number, and the satisfaction score from quick replies.

The functions take what the citizen sent and return what to answer, as plain data
(Reply); the channel's adapter (line.py) turns that into its provider's messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.channels.models import Conversation, InboundMessage
from tanjai.complaints.attachments import attachment_add, attachment_read, sniff_content_type
from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.models import AttachmentKind, Complaint
from tanjai.core.tracking import TrackingNumberError, tracking_normalise
from tanjai.intake.services import complaint_register
from tanjai.organisation.selectors import branch_for_place
from tanjai.portal.services import public_state, public_timeline
from tanjai.portal.survey import survey_answer
from tanjai.reference.models import Category

MAX_PHOTOS = 5
# Where each chat channel keeps its user's id on the complaint (and in the intake input).
CUSTOMER_ID_FIELD = {"line": "customer_line_user_id", "facebook": "customer_messenger_id"}
CUSTOMER_ID_INPUT = {"line": "line_user_id", "facebook": "messenger_id"}
_NUMBER = re.compile(r"[0-9๐-๙]{2}\s*-?\s*[0-9๐-๙]{7}\s*-?\s*[0-9๐-๙]")


@dataclass
class Choice:
    label: str
    data: str  # postback data


@dataclass
class Reply:
    text: str
    choices: list[Choice] = field(default_factory=list)
    ask_location: bool = False
    ask_photo: bool = False


def channel_actor(provider: str) -> Actor:
    """The channel registers complaints as an organisation-wide channel officer would."""
    return Actor(
        user_id=None,
        username=provider,
        roles=frozenset({Role.CHANNEL_OFFICER}),
        scope_level="org",
        region_id=None,
        branch_id=None,
    )


# A complaint left half-way is forgotten after this long: the next message starts afresh.
STALE_AFTER = timedelta(hours=24)


def _conversation(provider: str, user_id: str) -> Conversation:
    conversation, created = Conversation.objects.select_for_update().get_or_create(
        provider=provider, user_id=user_id
    )
    if not created and conversation.updated_at < timezone.now() - STALE_AFTER:
        _forget(conversation)
        conversation = Conversation.objects.create(provider=provider, user_id=user_id)
    return conversation


def _category_menu() -> Reply:
    return Reply(
        _("What is the problem about? Choose one."),
        [Choice(c.name_th[:20], f"cat:{c.code}") for c in Category.objects.filter(active=True)],
    )


def _status_query(text: str, step: str) -> str | None:
    """A tracking number sent to ask about a complaint; not a phone or account number
    written in the middle of a description or an address."""

    found = _NUMBER.search(text)
    if found is None:
        return None
    try:
        number = tracking_normalise(found.group(0))
    except TrackingNumberError:
        return None
    rest = (text[: found.start()] + text[found.end() :]).strip()
    if step in ("idle", "category") or len(rest) <= 20:
        return number
    return None


def on_text(*, provider: str, user_id: str, text: str) -> Reply:
    text = text.strip()
    with transaction.atomic():
        conversation = _conversation(provider, user_id)
        number = _status_query(text, conversation.step)
        if number:
            return status_reply(provider=provider, user_id=user_id, text=number)
        if conversation.step == "description":
            if len(text) < 5:
                return Reply(_("Please tell us a little more about the problem."))
            conversation.description = text[:3000]
            conversation.step = "location"
            conversation.save()
            return Reply(
                _("Where is it? Send the location (or type the address)."), ask_location=True
            )
        if conversation.step == "location":
            conversation.address = text[:500]
            conversation.step = "photos"
            conversation.save()
            return _photos_prompt()
        if conversation.step in ("category", "photos"):
            return _category_menu() if conversation.step == "category" else _photos_prompt()
        conversation.step = "category"
        conversation.save()
    return _category_menu()


def _photos_prompt() -> Reply:
    return Reply(
        _("Add photos if you like, then send the complaint."),
        [Choice(_("Send the complaint"), "submit"), Choice(_("Cancel"), "cancel")],
        ask_photo=True,
    )


def on_location(*, provider: str, user_id: str, lat: float, lon: float, address: str = "") -> Reply:
    with transaction.atomic():
        conversation = _conversation(provider, user_id)
        if conversation.step not in ("location", "photos"):
            return Reply(_("Type anything to start a new complaint."))
        conversation.lat, conversation.lon = lat, lon
        conversation.address = (address or conversation.address)[:500]
        conversation.step = "photos"
        conversation.save()
    return _photos_prompt()


def on_photo(*, provider: str, user_id: str, message_id: str, content: bytes) -> Reply | None:
    """A photo while making a complaint is kept until it is sent; otherwise ignored."""

    kind = sniff_content_type(content[:16])
    if kind is None or not kind.startswith("image/"):
        return Reply(_("That file is not a photo we can take (JPEG, PNG or WebP)."))
    try:
        attachment_read(ContentFile(content, name="photo"), kind="before")
    except WorkflowError as exc:
        return Reply(exc.message)
    with transaction.atomic():
        conversation = _conversation(provider, user_id)
        if conversation.step not in ("location", "photos"):
            return None
        if len(conversation.photos) >= MAX_PHOTOS:
            return Reply(_("That is enough photos. Send the complaint."))
        name = default_storage.save(
            f"chat-pending/{provider}/{message_id}.{kind.split('/')[1]}", ContentFile(content)
        )
        conversation.photos = [*conversation.photos, name]
        conversation.save()
    return None  # photos often come several at once: answer the last action only


def on_postback(*, provider: str, user_id: str, data: str, event_id: str) -> Reply:
    if data.startswith("cat:"):
        with transaction.atomic():
            conversation = _conversation(provider, user_id)
            code = data[4:]
            if not Category.objects.filter(code=code, active=True).exists():
                return _category_menu()
            conversation.category = code
            conversation.step = "description"
            conversation.save()
        return Reply(_("Tell us what is wrong, in a few words."))
    if data == "cancel":
        _reset(provider, user_id)
        return Reply(_("Cancelled. Type anything to start again."))
    if data == "submit":
        return _submit(provider=provider, user_id=user_id, event_id=event_id)
    if data.startswith("rate:"):
        return _rate(provider=provider, user_id=user_id, data=data)
    return Reply(_("Type anything to start a new complaint."))


def _forget(conversation: Conversation) -> None:
    """Delete a conversation, and its photos once that is committed."""
    names = list(conversation.photos)
    conversation.delete()

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


def _reset(provider: str, user_id: str) -> None:
    with transaction.atomic():
        conversation = Conversation.objects.filter(provider=provider, user_id=user_id).first()
        if conversation is not None:
            _forget(conversation)


def conversations_prune(*, now: datetime | None = None) -> int:
    """Forget complaints left half-way (and their photos), and the ids of messages handled
    long ago (a periodic job): what a citizen did not send is not kept."""

    now = now or timezone.now()
    stale = Conversation.objects.filter(updated_at__lt=now - STALE_AFTER)
    count = 0
    for conversation in stale.iterator():
        with transaction.atomic():
            _forget(conversation)
        count += 1
    InboundMessage.objects.filter(received_at__lt=now - timedelta(days=30)).delete()
    return count


def _submit(*, provider: str, user_id: str, event_id: str) -> Reply:

    actor = channel_actor(provider)
    with transaction.atomic():
        conversation = _conversation(provider, user_id)
        if not (conversation.category and conversation.description):
            return _category_menu()
        data: dict[str, Any] = {
            "channel": provider,
            "category": conversation.category,
            "description": conversation.description,
            "customer": {CUSTOMER_ID_INPUT[provider]: user_id},
            "location": {"address": conversation.address},
        }
        if conversation.lat is not None and conversation.lon is not None:
            data["location"].update(lat=conversation.lat, lon=conversation.lon)
        else:
            data["branch"] = _branch_from_address(conversation.address)
        try:
            complaint, _created = complaint_register(
                actor=actor, data=data, intake_key=f"{provider}:{event_id}"
            )
        except WorkflowError:
            conversation.step = "location"
            conversation.save()
            return Reply(
                _("We could not tell which area this is. Please send the location."),
                ask_location=True,
            )
        restricted = complaint.category.restricted_identity
        for name in conversation.photos:
            try:
                with default_storage.open(name, "rb") as photo:
                    attachment_add(
                        actor=actor,
                        tracking_no=complaint.tracking_no,
                        upload=photo,
                        kind=AttachmentKind.DOCUMENT if restricted else AttachmentKind.PHOTO_BEFORE,
                        now=timezone.now(),
                    )
            except (WorkflowError, OSError):
                continue  # a photo lost or refused does not hold the complaint back
        _forget(conversation)
    return Reply(
        _(
            "Thank you. Your complaint number is %(number)s. We will tell you here within "
            "24 hours what we will do. Send the number to see how it is going."
        )
        % {"number": complaint.tracking_no}
    )


def _branch_from_address(address: str) -> str | None:
    """The code of the branch of the province named in a typed address."""
    branch = branch_for_place(address=address)
    return branch.code if branch else None


def _own(provider: str, user_id: str, number: str) -> Complaint | None:

    try:
        number = tracking_normalise(number)
    except TrackingNumberError:
        return None
    field_name = CUSTOMER_ID_FIELD.get(provider)
    if field_name is None:
        return None
    return Complaint.objects.filter(tracking_no=number, **{field_name: user_id}).first()


def status_reply(*, provider: str, user_id: str, text: str) -> Reply:
    """The progress of one's own complaint: a number of someone else's is not found."""

    complaint = _own(provider, user_id, text)
    if complaint is None:
        return Reply(_("We found no complaint of yours with that number."))
    steps = public_timeline(complaint)
    last = ""
    if steps:
        last = f"{steps[-1].label}" + (f" ({steps[-1].detail})" if steps[-1].detail else "")
    return Reply(
        _("%(number)s: %(state)s. Latest: %(last)s")
        % {"number": complaint.tracking_no, "state": public_state(complaint), "last": last}
    )


def _rate(*, provider: str, user_id: str, data: str) -> Reply:

    try:
        _prefix, number, score = data.split(":")
        value = int(score)
    except ValueError:
        return Reply(_("Type anything to start a new complaint."))
    complaint = _own(provider, user_id, number)
    if complaint is None or not 1 <= value <= 5:
        return Reply(_("We found no complaint of yours with that number."))
    if survey_answer(complaint=complaint, score=value, comment="", channel=provider):
        return Reply(_("Thank you for your answer."))
    return Reply(_("You have answered already. Thank you."))


def rating_choices(tracking_no: str) -> list[Choice]:
    return [Choice(str(n), f"rate:{tracking_no}:{n}") for n in range(5, 0, -1)]
