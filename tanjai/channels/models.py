"""What the citizens' channels (LINE, Facebook, e-mail) keep beside the complaints."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    """A provider's message or event already handled: a redelivery is recognised by its id
    and creates nothing new."""

    provider = models.CharField(max_length=20)
    message_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "message_id"], name="inbound_once")
        ]


class Conversation(models.Model):
    """Where a citizen is in making a complaint by chat: the category chosen, what they
    wrote, the place and photos sent so far."""

    provider = models.CharField(max_length=20)
    user_id = models.CharField(max_length=100)
    step = models.CharField(max_length=20, default="idle")
    category = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True)
    photos = models.JSONField(default=list, blank=True)  # storage names, until submitted
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "user_id"], name="conversation_once")
        ]


class EmailThread(models.Model):
    """A Message-ID received for a complaint: a reply naming it (In-Reply-To, References)
    joins that complaint."""

    message_id = models.CharField(max_length=200, unique=True)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="email_threads"
    )


class ImportFormat(models.Model):
    """How an outside system's export reads (GCC 1111, Damrongtham): which column holds
    which field, how dates are written, which words mean which category. A changed export
    is a change here, in the admin, not in code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    channel = models.ForeignKey(
        "reference.Channel", on_delete=models.PROTECT, verbose_name=_("channel")
    )
    header_row = models.PositiveSmallIntegerField(
        _("header row"), default=1, validators=[MinValueValidator(1)]
    )
    sheet = models.CharField(
        _("sheet"), max_length=100, blank=True, help_text=_("Blank: the first sheet.")
    )
    encoding = models.CharField(
        _("CSV encoding"),
        max_length=20,
        blank=True,
        help_text=_("Blank: UTF-8, else Thai Windows (cp874 / TIS-620)."),
    )
    columns = models.JSONField(
        _("columns"),
        help_text=_("For each field, the column headings it may have: {field: [heading, …]}."),
    )
    date_formats = models.JSONField(
        _("date formats"),
        default=list,
        help_text=_("strptime formats; a year above 2400 is a Buddhist-Era year."),
    )
    category_words = models.JSONField(
        _("category words"),
        default=list,
        help_text=_(
            "[[word, category or category/subcategory], …], first match wins; the words "
            "are looked for in the category column, then the title, then the description."
        ),
    )
    default_category = models.CharField(
        _("category when no word matches"), max_length=80, blank=True
    )
    default_branch = models.CharField(
        _("branch when the place names none"),
        max_length=24,
        blank=True,
        help_text=_("Blank: such a row is rejected."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("import format")
        verbose_name_plural = _("import formats")

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One file imported: who sent it, how far it has got."""

    format = models.ForeignKey(ImportFormat, on_delete=models.PROTECT)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"])]


class RowOutcome(models.TextChoices):
    CREATED = "created", _("New complaint")
    EXISTING = "existing", _("Already imported")
    REJECTED = "rejected", _("Rejected")


class ImportRow(models.Model):
    """What became of one row of a file: written in the same transaction as the complaint
    it created, so an import stopped half-way continues where it stopped."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_no = models.PositiveIntegerField()
    external_ref = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL
    )
    reasons = models.JSONField(default=list, blank=True)
    values = models.JSONField(default=dict, blank=True)  # a rejected row as it was read

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "row_no"], name="import_row_once")]
