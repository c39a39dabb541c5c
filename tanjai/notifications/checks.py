"""A check at start-up: SMS kept in the local outbox on a production database means no
customer receives them, and no telephone task is made for the centre either."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning


def sms_backend_check(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    if settings.SMS_BACKEND == "local" and os.environ.get("DATABASE_URL"):
        return [
            CheckWarning(
                "SMS_BACKEND is local on a production database: SMS are kept in the local "
                "outbox and never reach customers.",
                hint="Set SMS_GATEWAY_URL (and SMS_BACKEND=gateway), or SMS_BACKEND=none so "
                "that customers without another channel become telephone tasks.",
                id="tanjai.W001",
            )
        ]
    return []
