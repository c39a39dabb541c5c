"""Shared infrastructure: tracking-number counters and periodic-job slots."""

from django.db import models


class TrackingCounter(models.Model):
    """The last tracking sequence used in a Buddhist Era year."""

    be_year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)


class PeriodicRun(models.Model):
    """One row per (job, time slot): the unique constraint lets several schedulers run
    side by side while each slot is enqueued exactly once."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodicrun_once")]


class RateHit(models.Model):
    """One counted request of a rate-limited kind (a public submission, a tracking attempt).
    The key is a keyed hash: an address or a phone number is not stored in the clear."""

    bucket = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bucket", "key", "at"], name="ratehit_bucket_key_at")]
