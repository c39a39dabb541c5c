"""The complaint, its append-only event log and its attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tanjai.complaints.workflow import OPEN_STATES, State

# A satisfaction score at or below this (of 5) alerts the branch, whose manager may reopen.
LOW_SATISFACTION = 2


class Priority(models.IntegerChoices):
    LOW = 1, _("low")
    NORMAL = 2, _("normal")
    HIGH = 3, _("high")
    URGENT = 4, _("urgent")


_OPEN = Q(status__in=sorted(OPEN_STATES))


class Complaint(models.Model):
    tracking_no = models.CharField(_("tracking number"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    channel = models.ForeignKey("reference.Channel", on_delete=models.PROTECT)
    category = models.ForeignKey("reference.Category", on_delete=models.PROTECT)
    subcategory = models.ForeignKey(
        "reference.Subcategory", on_delete=models.PROTECT, null=True, blank=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    description = models.TextField(_("description"))
    # Segmented words (see tanjai.core.text) for Thai full-text search.
    search_document = models.TextField(blank=True, default="", editable=False)

    # Where
    address = models.TextField(_("address"), blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    # Who (personal data: shown only to roles that need it, each showing logged)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    customer_phone_alt = models.CharField(_("other phone"), max_length=20, blank=True)
    customer_email = models.EmailField(_("e-mail"), blank=True)
    customer_line_user_id = models.CharField(_("LINE user id"), max_length=64, blank=True)
    # The page-scoped id of a Facebook Messenger user (PSID).
    customer_messenger_id = models.CharField(_("Messenger id"), max_length=64, blank=True)
    customer_account_no = models.CharField(
        _("PWA account number"), max_length=20, blank=True, db_index=True
    )

    # Who handles it
    branch = models.ForeignKey("organisation.Branch", on_delete=models.PROTECT)
    # Denormalised from branch so that region-wide queries use one index.
    region = models.ForeignKey("organisation.Region", on_delete=models.PROTECT)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    external_ref = models.CharField(_("external case number"), max_length=64, blank=True)
    # Idempotency: "<user>:<Idempotency-Key>" or a provider's message id; see complaint_register.
    intake_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # SLA: due times are columns (see tanjai.sla.services), indexed for the watcher and queues.
    inform_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    resolve_clock_started_at = models.DateTimeField(null=True, blank=True)
    # Pauses of the resolve clock in the current cycle: [[start, end|null], …] (ISO 8601).
    sla_pauses = models.JSONField(default=list, blank=True)
    sla_next_check_at = models.DateTimeField(null=True, blank=True)
    inform_escalation_level = models.PositiveSmallIntegerField(default=0)
    resolve_escalation_level = models.PositiveSmallIntegerField(default=0)

    # Milestones of the current cycle (a reopening starts a new one; the event log keeps all).
    received_at = models.DateTimeField(_("received at"))
    forwarded_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    informed_at = models.DateTimeField(null=True, blank=True)
    promised_at = models.DateTimeField(null=True, blank=True)
    fixed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    customer_reached = models.BooleanField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)

    # Optimistic concurrency: a client may send the version it saw.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(
                fields=["branch", "resolve_due_at"], condition=_OPEN, name="cmp_branch_open_due"
            ),
            models.Index(
                fields=["region", "resolve_due_at"], condition=_OPEN, name="cmp_region_open_due"
            ),
            models.Index(fields=["resolve_due_at"], condition=_OPEN, name="cmp_open_due"),
            models.Index(
                fields=["sla_next_check_at"],
                condition=Q(sla_next_check_at__isnull=False),
                name="cmp_sla_next_check",
            ),
            models.Index(fields=["branch", "received_at"], name="cmp_branch_received"),
            # The "resolved" report lists complaints by the date of their fix.
            models.Index(
                fields=["fixed_at"], condition=Q(fixed_at__isnull=False), name="cmp_fixed_at"
            ),
            models.Index(fields=["region", "received_at"], name="cmp_region_received"),
            models.Index(fields=["received_at"], name="cmp_received"),
            models.Index(fields=["status", "received_at"], name="cmp_status_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_5",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=~Q(external_ref=""),
                name="complaint_external_ref_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["intake_key"], condition=~Q(intake_key=""), name="complaint_intake_key_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="complaint_duplicate_has_master",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: object) -> int:  # type: ignore[override]
        raise TypeError("the event log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("the event log is append-only")


class Event(models.Model):
    """What happened to a complaint, who did it and when: the audit trail, the timeline and
    the source of every duration in the reports. Rows are never changed or deleted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["complaint", "at"], name="event_complaint_at"),
            models.Index(fields=["action", "at"], name="event_action_at"),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("the event log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("the event log is append-only")


class AttachmentKind(models.TextChoices):
    PHOTO_BEFORE = "before", _("photo before the fix")
    PHOTO_AFTER = "after", _("photo after the fix")
    DOCUMENT = "document", _("document")


ATTACHMENT_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where a file is stored: named by its content, never by the name it was sent with,
    which may carry the complainant's name or phone number (the database keeps that name,
    shown only to those who may see the customer)."""
    extension = ATTACHMENT_EXTENSIONS.get(instance.content_type, "bin")
    return f"complaints/{instance.complaint.tracking_no}/{instance.sha256[:32]}.{extension}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file uploaded twice (a double click, a retried request) is stored once.
            models.UniqueConstraint(fields=["complaint", "sha256"], name="attachment_once")
        ]
