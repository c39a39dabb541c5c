"""Step 9: complaints with an organisation-level, structural or system cause, which ครส.
follows up with improvement actions assigned to units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Being followed up")
    CLOSED = "closed", _("Closed")


class OrgIssue(models.Model):
    """An organisation-level issue: one complaint, or a group of them (a problem that keeps
    coming back in an area, a pattern)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        "reference.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subcategory = models.ForeignKey(
        "reference.Subcategory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.CharField(_("province"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="org_issues"
    )
    status = models.CharField(max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (ActionStatus.DONE, ActionStatus.CANCELLED)


class ImprovementAction(models.Model):
    """What a unit is to do about an issue, by when, under whose ownership."""

    issue = models.ForeignKey(OrgIssue, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="action_status_due")]


def evidence_path(instance: ActionUpdate, filename: str) -> str:
    return f"improvement/{instance.action_id}/{filename}"


class ActionUpdate(models.Model):
    """Progress on an action, with its evidence: appended, never edited."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    evidence = models.FileField(upload_to=evidence_path, blank=True, max_length=255)

    class Meta:
        ordering = ["at", "id"]
