"""Files stored before this kept the name they were sent with in their path (a name or a
phone number may be in it): each is moved to a path named by its content. The database
row keeps the original name, shown only to those who may see the customer."""

from django.db import migrations

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def rename(apps, schema_editor):
    from django.core.files.storage import default_storage

    Attachment = apps.get_model("complaints", "Attachment")
    for attachment in Attachment.objects.select_related("complaint").iterator(chunk_size=500):
        extension = EXTENSIONS.get(attachment.content_type, "bin")
        new = f"complaints/{attachment.complaint.tracking_no}/{attachment.sha256[:32]}.{extension}"
        old = attachment.file.name
        if not old or old == new:
            continue
        if default_storage.exists(old):
            if not default_storage.exists(new):
                with default_storage.open(old, "rb") as handle:
                    saved = default_storage.save(new, handle)
                if saved != new:  # the storage chose another name: keep what it says
                    new = saved
            default_storage.delete(old)
        Attachment.objects.filter(pk=attachment.pk).update(file=new)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_fixed_at_index")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
