"""Personal data as the citizen's (PDPA, B.E. 2562): the requests people make about their
data and how they were handled, the objections to notices, and how long each kind of
personal data is kept.

Three tables here are logs and are append-only, in Django and (on PostgreSQL) by trigger:
RequestStep (every step of every request, who and when), EventRedaction (every time an
event's personal text was replaced, see tanjai.privacy.anonymise) and RetentionRun."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("this log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("this log is append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("this log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("this log is append-only")


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Copy of the data")
    RECTIFY = "rectify", _("Rectification")
    ERASE = "erase", _("Erasure")
    OBJECT = "object", _("Objection to notices")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received, to handle")
    CONFIRMED = "confirmed", _("Matches confirmed")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


OPEN_REQUEST_STATES = (RequestStatus.RECEIVED, RequestStatus.CONFIRMED)
_OPEN = Q(status__in=[s.value for s in OPEN_REQUEST_STATES])


class RequestDeadline(models.Model):
    """How many days PWA has to answer a kind of request, counted from its receipt (PDPA
    section 30: 30 days for a copy); data, edited in the admin."""

    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("deadline for a data-subject request")
        verbose_name_plural = _("deadlines for data-subject requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class DataSubjectRequest(models.Model):
    """A person's request about their personal data, handled by the data protection
    officer: who they are (the identifiers to find them by), what they ask, by when."""

    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received"))
    # The deadline is a column, computed once from the deadline rule when received.
    due_at = models.DateTimeField(_("answer by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    # Whom it is about, as they identified themselves (normalised as intake stores them).
    subject_name = models.CharField(_("name"), max_length=200, blank=True)
    subject_phone = models.CharField(_("phone"), max_length=20, blank=True)
    subject_email = models.CharField(_("e-mail"), max_length=254, blank=True)
    subject_line_user_id = models.CharField(_("LINE user id"), max_length=64, blank=True)
    subject_messenger_id = models.CharField(_("Messenger id"), max_length=64, blank=True)
    subject_account_no = models.CharField(_("PWA account number"), max_length=20, blank=True)

    # Rectification: the corrected values (name, phone, phone_alt, email, address).
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)

    # What the officer confirmed as this person's, from the matches.
    complaints = models.ManyToManyField("complaints.Complaint", blank=True, related_name="+")
    import_rows = models.ManyToManyField("channels.ImportRow", blank=True, related_name="+")
    conversations = models.ManyToManyField("channels.Conversation", blank=True, related_name="+")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["due_at"], condition=_OPEN, name="dsr_open_due")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"PDPA-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATES


class StepKind(models.TextChoices):
    RECEIVED = "received", _("Request received")
    PREVIEWED = "previewed", _("Matches looked up")
    CONFIRMED = "confirmed", _("Matches confirmed")
    COPY_MADE = "copy_made", _("Copy downloaded")
    CARRIED_OUT = "carried_out", _("Carried out")
    REFUSED = "refused", _("Refused")


class RequestStep(AppendOnly):
    """One step of a request: what was done, by whom, when, with counts and tracking
    numbers (never the personal values themselves)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    step = models.CharField(max_length=20, choices=StepKind.choices)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class ObjectionKind(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    LINE = "line", _("LINE user id")
    MESSENGER = "messenger", _("Messenger id")


class NoticeObjection(models.Model):
    """A person objected to notices: none is sent to this phone, address or chat id, on any
    complaint, now or later (notifications.customer asks notices_objected)."""

    kind = models.CharField(max_length=10, choices=ObjectionKind.choices)
    value = models.CharField(max_length=254)
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="notice_objection_once")
        ]


class AnonymisedComplaint(models.Model):
    """A complaint whose personal data is gone (by an erasure request or by retention).
    Its primary key makes anonymising a complaint a compare-and-set: two workers cannot both
    do it."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    at = models.DateTimeField()
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class EventRedaction(AppendOnly):
    """The record an event's personal text was replaced: written before the update, which
    the database's trigger allows only for an event recorded here (see privacy.anonymise)."""

    event = models.ForeignKey("complaints.Event", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fields = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["event"], name="eventredaction_event")]


class RetentionKind(models.TextChoices):
    COMPLAINT_PERSONAL = "complaint_personal", _("Complaints' personal data, after closing")
    NOTICE_BODIES = "notice_bodies", _("Text of the notices sent to customers")
    INBOUND_MESSAGES = "inbound_messages", _("Ids of messages received (LINE, Messenger, e-mail)")
    CHAT_TRANSCRIPTS = "chat_transcripts", _("Chats left before the complaint was sent")
    REJECTED_IMPORT_ROWS = "rejected_import_rows", _("Values of rejected import rows")
    ACCESS_LOG = "access_log", _("Personal-data access log")


class RetentionRule(models.Model):
    """How long one kind of personal data is kept; the retention job anonymises or deletes
    what is older. Data, edited in the admin (defaults in tanjai.privacy.defaults)."""

    kind = models.CharField(_("kind"), max_length=24, choices=RetentionKind.choices, unique=True)
    days = models.PositiveIntegerField(_("kept for (days)"), validators=[MinValueValidator(1)])
    note = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class RetentionRun(AppendOnly):
    """What one run of the retention job did, per kind."""

    at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
