"""The default Thai words of the notices to customers (tanjai.notifications.defaults)."""

from django.db import migrations


def add(apps, schema_editor):
    from tanjai.notifications.defaults import notice_templates_seed

    notice_templates_seed(apps.get_model("notifications", "NoticeTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_customer_notices")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
