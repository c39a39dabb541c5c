"""The tasks API. Django 6 has it built in as django.tasks; on Django 5.2 the django-tasks
backport provides the same names. Moving to Django 6 means changing this import only."""

try:
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task  # type: ignore[no-redef,unused-ignore]

__all__ = ["task"]
