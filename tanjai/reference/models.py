"""Reference data kept as data: channels, categories and subcategories (editable in the admin)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tanjai.core.i18n import BilingualName


class Channel(BilingualName):
    """One of the 11 channels through which complaints arrive (step 1)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")


class Category(BilingualName):
    """One of the 6 complaint categories."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    restricted_identity = models.BooleanField(
        _("restrict the complainant's identity"),
        default=False,
        help_text=_(
            "Staff-conduct and misconduct complaints: identity shown to as few as possible."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Subcategory(BilingualName):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="subcategories")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category__order", "order", "code"]
        verbose_name = _("subcategory")
        verbose_name_plural = _("subcategories")
