"""What the public portal keeps beside the complaint itself."""

from __future__ import annotations

from django.db import models


class TrackingCode(models.Model):
    """For a complaint made without a phone number (anonymously, say): the code printed on
    its receipt that, with the tracking number, lets its maker follow it. Stored hashed."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="tracking_code"
    )
    code_hash = models.CharField(max_length=64)
