"""SLA policies and the working calendar, as data."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tanjai.sla.clock import ClockUnit


class ClockUnitChoices(models.TextChoices):
    CALENDAR_HOURS = ClockUnit.CALENDAR_HOURS.value, _("calendar hours")
    WORKING_HOURS = ClockUnit.WORKING_HOURS.value, _("working hours")
    WORKING_DAYS = ClockUnit.WORKING_DAYS.value, _("working days")


class SlaPolicy(models.Model):
    """The inform target (step 4) and the resolve target for a category or one subcategory.

    A subcategory's own policy wins over its category's.
    """

    category = models.ForeignKey(
        "reference.Category", on_delete=models.CASCADE, related_name="sla_policies"
    )
    subcategory = models.OneToOneField(
        "reference.Subcategory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policy",
    )
    inform_amount = models.PositiveIntegerField(_("inform the customer within"), default=24)
    inform_unit = models.CharField(
        max_length=20, choices=ClockUnitChoices.choices, default=ClockUnit.CALENDAR_HOURS
    )
    resolve_amount = models.PositiveIntegerField(_("resolve within"))
    resolve_unit = models.CharField(max_length=20, choices=ClockUnitChoices.choices)
    warn_before_minutes = models.PositiveIntegerField(
        _("warn this many minutes before the resolve deadline"), default=240
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(subcategory__isnull=True),
                name="slapolicy_one_default_per_category",
            ),
            models.CheckConstraint(
                condition=Q(inform_amount__gt=0) & Q(resolve_amount__gt=0),
                name="slapolicy_positive_targets",
            ),
        ]

    def __str__(self) -> str:
        target = self.subcategory or self.category
        return f"{target}: {self.inform_amount} {self.inform_unit} / {self.resolve_amount} {self.resolve_unit}"


class CalendarSettings(models.Model):
    """Working hours (one row). Counter hours: 08:30-16:30, Monday to Friday."""

    day_start = models.TimeField(_("working day starts"), default="08:30")
    day_end = models.TimeField(_("working day ends"), default="16:30")
    workdays = models.CharField(
        _("working weekdays"),
        max_length=20,
        default="0,1,2,3,4",
        help_text=_("Weekday numbers, Monday = 0."),
    )
    use_thai_public_holidays = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendar")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_end__gt=models.F("day_start")), name="calendar_day_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day_start:%H:%M}-{self.day_end:%H:%M}"


class CalendarDay(models.Model):
    """PWA's own exceptions to the calendar: an extra day off, or a day declared a working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("day off")
        WORKDAY = "work", _("working day")

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.DAY_OFF)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date} {self.name_th}"
