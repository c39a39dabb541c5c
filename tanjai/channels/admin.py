from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tanjai.channels.imports import FIELDS
from tanjai.channels.models import ImportFormat
from tanjai.organisation.models import Branch
from tanjai.reference.models import Category, Subcategory


def _category_known(target: str) -> bool:
    category, _slash, sub = target.partition("/")
    if not Category.objects.filter(code=category).exists():
        return False
    return not sub or Subcategory.objects.filter(code=sub, category__code=category).exists()


class ImportFormatForm(forms.ModelForm):
    class Meta:
        model = ImportFormat
        fields = [
            "code",
            "name",
            "channel",
            "header_row",
            "sheet",
            "encoding",
            "columns",
            "date_formats",
            "category_words",
            "default_category",
            "default_branch",
            "active",
        ]

    def clean_columns(self) -> dict:
        columns = self.cleaned_data["columns"]
        if not isinstance(columns, dict):
            raise forms.ValidationError(_("Give an object: {field: [heading, …]}."))
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise forms.ValidationError(
                _("Unknown fields: %(unknown)s. The fields are: %(fields)s.")
                % {"unknown": ", ".join(unknown), "fields": ", ".join(FIELDS)}
            )
        for name, headings in columns.items():
            if not isinstance(headings, list) or not all(isinstance(h, str) for h in headings):
                raise forms.ValidationError(
                    _("%(field)s: give a list of headings.") % {"field": name}
                )
        if "external_ref" not in columns:
            raise forms.ValidationError(_("The case number (external_ref) must have a column."))
        return columns

    def clean_date_formats(self) -> list:
        formats = self.cleaned_data["date_formats"]
        if not isinstance(formats, list) or not all(
            isinstance(f, str) and "%" in f for f in formats
        ):
            raise forms.ValidationError(_("Give a list of strptime formats such as %d/%m/%Y."))
        return formats

    def clean_category_words(self) -> list:
        words = self.cleaned_data["category_words"]
        if not isinstance(words, list):
            raise forms.ValidationError(_("Give a list of [word, category] pairs."))
        for pair in words:
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            ):
                raise forms.ValidationError(
                    _("%(pair)s is not a [word, category] pair.") % {"pair": pair}
                )
            if not _category_known(pair[1]):
                raise forms.ValidationError(
                    _("%(target)s is not a category or category/subcategory.") % {"target": pair[1]}
                )
        return words

    def clean_default_category(self) -> str:
        value = self.cleaned_data["default_category"].strip()
        if value and not _category_known(value):
            raise forms.ValidationError(
                _("%(target)s is not a category or category/subcategory.") % {"target": value}
            )
        return value

    def clean_default_branch(self) -> str:
        value = self.cleaned_data["default_branch"].strip().lower()
        if value and not Branch.objects.filter(code=value).exists():
            raise forms.ValidationError(_("No branch %(code)s.") % {"code": value})
        return value


@admin.register(ImportFormat)
class ImportFormatAdmin(admin.ModelAdmin):
    form = ImportFormatForm
    list_display = ["name", "code", "channel", "active"]
    list_filter = ["channel", "active"]
