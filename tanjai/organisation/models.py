"""PWA's organisation: head office, 10 regions, ~234 branches, and the units that handle complaints."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tanjai.core.i18n import BilingualName


class Region(BilingualName):
    """กปภ.เขต 1-10."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    seat_province_th = models.CharField(_("seat province (Thai)"), max_length=100, blank=True)
    seat_province_en = models.CharField(_("seat province (English)"), max_length=100, blank=True)
    group = models.PositiveSmallIntegerField(_("group (ภาค)"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Branch(BilingualName):
    """กปภ.สาขา; each has its Prapa Tanjai centre (a Unit of kind centre)."""

    code = models.SlugField(_("code"), max_length=24, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="branches")
    special = models.BooleanField(_("special class (พ)"), default=False)
    province_th = models.CharField(_("province (Thai)"), max_length=100, blank=True)
    province_en = models.CharField(_("province (English)"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__number", "code"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    @property
    def place_name(self) -> str:
        """The name without "กปภ.สาขา" (or "PWA … Branch"): for a column headed "branch",
        where the full name would repeat the heading on every row."""
        name = self.name
        for prefix in ("กปภ.สาขา", "กปภ. สาขา", "PWA "):
            if name.startswith(prefix):
                name = name[len(prefix) :]
        if name.endswith(" Branch"):
            name = name[: -len(" Branch")]
        return name.strip() or self.name


class UnitKind(models.TextChoices):
    CENTRE = "centre", _("Prapa Tanjai centre")
    REGION_ENGINEERING = "region_engineering", _("Region engineering unit")
    REGION_WATER_QUALITY = "region_water_quality", _("Region water-quality unit")
    HQ_DEPARTMENT = "hq_department", _("Head-office department")


class Unit(BilingualName):
    """A unit that can be made responsible for a complaint (step 2 forwards to one)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        constraints = [
            # A centre belongs to exactly one branch, and each branch has one centre.
            models.CheckConstraint(
                condition=~Q(kind="centre") | Q(branch__isnull=False),
                name="unit_centre_has_branch",
            ),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(kind="centre"), name="unit_one_centre_per_branch"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["region_engineering", "region_water_quality"])
                | Q(region__isnull=False),
                name="unit_region_kind_has_region",
            ),
        ]
