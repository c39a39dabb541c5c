"""What changes in the organisation that others keep a copy of.

``branch_moved`` (sent with ``branch``): a branch now belongs to another region. Apps that
keep the region beside the branch (complaints, the reports' summaries) connect a receiver
in their ``AppConfig.ready()`` and bring their copies along, in the same transaction."""

from __future__ import annotations

from django.dispatch import Signal

branch_moved = Signal()
