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


class SurveyAnswer(models.Model):
    """The customer's answer to the satisfaction survey (step 6): one per complaint."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="survey_answer"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=10, default="web")  # web, line
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_5"
            )
        ]
