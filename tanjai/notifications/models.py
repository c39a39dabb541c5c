"""The notification outbox: written in the same transaction as the event that causes it,
delivered afterwards by a background task, so a crash never loses a notice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # A customer no channel reaches (no SMS backend, a landline): a task for the centre,
    # done through a contact_log action (contact_event), reached or not.
    TO_TELL = "to_tell", _("to tell by telephone")
    TOLD = "told", _("told by staff")
    UNREACHED = "unreached", _("telephoned, not reached")


class Notification(models.Model):
    idempotency_key = models.CharField(max_length=200, unique=True)
    # inbox, email; to customers also sms, line, facebook (see transports) and phone
    # (a person reads the words out: never sent by the worker).
    channel = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, null=True, blank=True
    )
    event = models.ForeignKey("complaints.Event", on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed send: when to try again (exponential backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A notice to the complainant (SMS, LINE, e-mail) rather than to staff.
    to_customer = models.BooleanField(default=False)
    # A telephone notice: the contact with the customer that told it (or tried to).
    contact_event = models.ForeignKey(
        "complaints.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notif_user_unread"),
            models.Index(fields=["status", "created_at"], name="notif_status"),
        ]


class LocalSms(models.Model):
    """An SMS kept here instead of sent (SMS_BACKEND "local", the embedded default's stand-in
    for a gateway, as Django's console e-mail backend is for mail): what the customer would
    have received, for a person trying Tanjai to read. One per notice, so a retry is a no-op."""

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="local_sms"
    )
    to = models.CharField(_("to"), max_length=20)
    text = models.TextField(_("text"))
    stored_at = models.DateTimeField(_("stored"), auto_now_add=True)

    class Meta:
        ordering = ["-stored_at", "-id"]
        verbose_name = _("SMS in the local outbox")
        verbose_name_plural = _("local SMS outbox")

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"


class NoticeEvent(models.TextChoices):
    REGISTERED = "registered", _("registered (with the tracking number)")
    INFORMED = "informed", _("plan and due date told")
    FIXED = "fixed", _("fixed")
    CLOSED = "closed", _("closed (with the survey link)")


class NoticeTemplate(models.Model):
    """The words of a notice to customers, per event and channel, edited by PWA as data.

    Subject and body are Django templates with: tracking_no, category, plan, promised_at,
    track_url and survey_url. A channel-specific template wins over the one for "any"."""

    event = models.CharField(_("event"), max_length=20, choices=NoticeEvent.choices)
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=[("any", _("any")), ("sms", "SMS"), ("line", "LINE"), ("email", _("e-mail"))],
        default="any",
    )
    subject = models.CharField(_("subject (e-mail)"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notice_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel}"
