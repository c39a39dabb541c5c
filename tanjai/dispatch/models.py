"""Work orders: Mr. Prapa or a service team sent to the site (step 3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamType(models.TextChoices):
    MR_PRAPA = "mr_prapa", _("Mr. Prapa")
    SERVICE_TEAM = "service_team", _("Service team")


class ServiceTeam(models.Model):
    """A standing crew of a branch, so a dispatcher can pick a team instead of names."""

    branch = models.ForeignKey(
        "organisation.Branch", on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    team_type = models.CharField(
        max_length=20, choices=TeamType.choices, default=TeamType.SERVICE_TEAM
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="team_name_per_branch")
        ]

    def __str__(self) -> str:
        return self.name


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", _("open")
    COMPLETED = "completed", _("completed")
    REJECTED = "rejected", _("fix rejected")
    CANCELLED = "cancelled", _("cancelled")


class WorkOrder(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="work_orders"
    )
    team_type = models.CharField(max_length=20, choices=TeamType.choices)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="work_orders")
    status = models.CharField(
        max_length=10, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN
    )
    note = models.TextField(blank=True)
    result = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "status"], name="wo_complaint_status")]
