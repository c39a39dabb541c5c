"""Summaries for the reports (steps 7-10), kept per branch and month of receipt.

A figure that can only change when something happens to a complaint is summed here; the
summary of a branch-month is recomputed from its complaints whenever one of them has a new
event (`ReportDirty`), so the summaries never drift from the complaints. What changes with
the clock alone (an open complaint passing its due time) is counted live from the open
complaints, which are few and indexed."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measures(models.Model):
    received = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    # The resolve target, as sla_status judges it: met or breached at closing; not
    # applicable to a complaint that ended as a duplicate, irrelevant or transferred.
    resolve_met = models.PositiveIntegerField(default=0)
    resolve_breached = models.PositiveIntegerField(default=0)
    resolve_na = models.PositiveIntegerField(default=0)
    # The 24-hour inform target; `inform_pending` are open and not told yet.
    inform_met = models.PositiveIntegerField(default=0)
    inform_breached = models.PositiveIntegerField(default=0)
    inform_na = models.PositiveIntegerField(default=0)
    inform_pending = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    # From a customer (by phone) who had complained in the 90 days before.
    repeat_customer = models.PositiveIntegerField(default=0)
    satisfaction_n = models.PositiveIntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    s1 = models.PositiveIntegerField(default=0)
    s2 = models.PositiveIntegerField(default=0)
    s3 = models.PositiveIntegerField(default=0)
    s4 = models.PositiveIntegerField(default=0)
    s5 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class BranchMonth(models.Model):
    """A summary row's place: the branch (and its region) and the month of receipt."""

    month = models.DateField()
    branch = models.ForeignKey("organisation.Branch", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("organisation.Region", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class ReportCell(BranchMonth, Measures):
    """Complaints received in a month at a branch, by category and subcategory."""

    category = models.ForeignKey("reference.Category", on_delete=models.CASCADE, related_name="+")
    subcategory = models.ForeignKey(
        "reference.Subcategory", null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["branch", "month"], name="rcell_branch_month"),
            models.Index(fields=["region", "month"], name="rcell_region_month"),
            models.Index(fields=["month"], name="rcell_month"),
        ]


class ReportChannelCell(BranchMonth, Measures):
    """The same, by category and channel (the channel mix, category-SLA by channel)."""

    category = models.ForeignKey("reference.Category", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey("reference.Channel", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["branch", "month"], name="rchan_branch_month"),
            models.Index(fields=["region", "month"], name="rchan_region_month"),
            models.Index(fields=["month"], name="rchan_month"),
        ]


class Step(models.TextChoices):
    INFORM = "inform", _("received → customer told")
    FORWARD = "forward", _("received → forwarded")
    DISPATCH = "dispatch", _("forwarded → dispatched")
    FIX = "fix", _("dispatched → fixed")
    VERIFY = "verify", _("fixed → verified")
    CLOSE = "close", _("verified → closed")
    TOTAL = "total", _("received → closed")


# Upper bounds of the duration buckets, in hours; the last bucket is open-ended.
BUCKET_HOURS = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720]


class ReportStepCell(BranchMonth):
    """How long complaints received in a month at a branch took over one step: a count and
    a sum per duration bucket, for means (exact) and medians (within a bucket)."""

    step = models.CharField(max_length=10, choices=Step.choices)
    bucket = models.PositiveSmallIntegerField()  # index into BUCKET_HOURS; len() = over
    n = models.PositiveIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["branch", "month"], name="rstep_branch_month"),
            models.Index(fields=["region", "month"], name="rstep_region_month"),
            models.Index(fields=["month"], name="rstep_month"),
        ]


class ReportPlaceCell(BranchMonth):
    """Complaints received in a month at a branch, by district and subcategory: the most
    frequent places, and problems that keep coming back to the same place."""

    province = models.CharField(max_length=100)
    district = models.CharField(max_length=100)
    category = models.ForeignKey("reference.Category", on_delete=models.CASCADE, related_name="+")
    subcategory = models.ForeignKey(
        "reference.Subcategory", null=True, on_delete=models.CASCADE, related_name="+"
    )
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["branch", "month"], name="rplace_branch_month"),
            models.Index(fields=["region", "month"], name="rplace_region_month"),
            models.Index(fields=["month"], name="rplace_month"),
        ]


# The map's grid: cells of 1/GRID degree (about 5 km), so no complaint's place is shown.
GRID = 20


class ReportGridCell(BranchMonth):
    """Complaints received in a month at a branch, counted per map cell."""

    gy = models.IntegerField()  # floor(latitude × GRID)
    gx = models.IntegerField()  # floor(longitude × GRID)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["branch", "month"], name="rgrid_branch_month"),
            models.Index(fields=["region", "month"], name="rgrid_region_month"),
            models.Index(fields=["month"], name="rgrid_month"),
        ]


class ReportDirty(models.Model):
    """A branch-month whose summaries are to be recomputed: one row written with every
    event, in its transaction; deleted once recomputed."""

    branch_id = models.IntegerField()
    month = models.DateField()
    marked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["branch_id", "month"], name="report_dirty_cell")]


class SubmissionLevel(models.TextChoices):
    BRANCH = "branch", _("branch")
    REGION = "region", _("region")


class MonthlySubmission(models.Model):
    """A month's report as submitted (step 7): its figures frozen at that moment. Never
    changed: a later submission of the same month is a new version that records its
    difference from the one before."""

    level = models.CharField(max_length=10, choices=SubmissionLevel.choices)
    month = models.DateField()
    region = models.ForeignKey("organisation.Region", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        "organisation.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(default=1)
    figures = models.JSONField()
    changes = models.JSONField(default=list, blank=True)  # from the previous version
    note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["month", "region", "branch", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "month", "version"],
                condition=models.Q(level="branch"),
                name="submission_branch_version_once",
            ),
            models.UniqueConstraint(
                fields=["region", "month", "version"],
                condition=models.Q(level="region"),
                name="submission_region_version_once",
            ),
        ]
        indexes = [models.Index(fields=["month", "level"], name="submission_month")]


class SubmissionDeadline(models.Model):
    """When a month's report is due: on this day of the following month (a business rule,
    edited in the admin)."""

    level = models.CharField(max_length=10, choices=SubmissionLevel.choices, unique=True)
    day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(28)])
    remind_days_before = models.PositiveSmallIntegerField(default=3)

    def __str__(self) -> str:
        return f"{self.level}: {self.day}"
