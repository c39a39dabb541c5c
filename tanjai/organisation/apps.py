from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "tanjai.organisation"
    label = "organisation"
