"""Staff scope, API tokens and the personal-data access log."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScopeLevel(models.TextChoices):
    ORG = "org", _("Whole organisation")
    REGION = "region", _("Region")
    BRANCH = "branch", _("Branch")


class StaffProfile(models.Model):
    """The organisational scope of a staff member: which complaints they can see and act on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    scope_level = models.CharField(
        _("scope"), max_length=10, choices=ScopeLevel.choices, default=ScopeLevel.BRANCH
    )
    region = models.ForeignKey(
        "organisation.Region", on_delete=models.PROTECT, null=True, blank=True
    )
    branch = models.ForeignKey(
        "organisation.Branch", on_delete=models.PROTECT, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_level="org")
                | Q(scope_level="region", region__isnull=False)
                | Q(scope_level="branch", branch__isnull=False),
                name="staffprofile_scope_has_target",
            )
        ]

    def __str__(self) -> str:
        if self.scope_level == ScopeLevel.BRANCH and self.branch:
            return f"{self.user} @ {self.branch.code}"
        if self.scope_level == ScopeLevel.REGION and self.region:
            return f"{self.user} @ region {self.region.number}"
        return f"{self.user} @ org"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its hash is stored, so a database leak does not leak tokens.

    Revoking a token deletes its row. A token also ends with the password it was issued
    under (`password_mark`), whatever route changes the password."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    # The user's session auth hash (an HMAC of the password hash) when the token was issued.
    password_mark = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    @staticmethod
    def new_raw_key() -> str:
        return "tj_" + secrets.token_urlsafe(32)


class PersonalDataAccess(models.Model):
    """Append-only log of every time staff were shown a complainant's personal data (PDPA):
    a complaint's, or what is not yet a complaint (`subject`: the rejected rows of an import,
    a look-up of a customer's earlier complaints). On PostgreSQL a trigger refuses every
    change, and every deletion but the retention job's (migration 0004)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT
    )
    subject = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    via = models.CharField(max_length=20)
    purpose = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["complaint", "at"])]


class LoginFailure(models.Model):
    """A failed sign-in. Recent ones lock the username from that address, and the address
    for every username, for a while; deleting them unlocks."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("failed sign-in")
        indexes = [
            models.Index(fields=["username", "at"], name="loginfail_user_at"),
            models.Index(fields=["address", "at"], name="loginfail_addr_at"),
        ]
