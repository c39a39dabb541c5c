"""What the citizens' channels (LINE, Facebook, e-mail) keep beside the complaints."""

from __future__ import annotations

from django.db import models


class InboundMessage(models.Model):
    """A provider's message or event already handled: a redelivery is recognised by its id
    and creates nothing new."""

    provider = models.CharField(max_length=20)
    message_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "message_id"], name="inbound_once")
        ]


class Conversation(models.Model):
    """Where a citizen is in making a complaint by chat: the category chosen, what they
    wrote, the place and photos sent so far."""

    provider = models.CharField(max_length=20)
    user_id = models.CharField(max_length=100)
    step = models.CharField(max_length=20, default="idle")
    category = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True)
    photos = models.JSONField(default=list, blank=True)  # storage names, until submitted
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "user_id"], name="conversation_once")
        ]


class EmailThread(models.Model):
    """A Message-ID received for a complaint: a reply naming it (In-Reply-To, References)
    joins that complaint."""

    message_id = models.CharField(max_length=200, unique=True)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="email_threads"
    )
