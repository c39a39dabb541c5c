"""Demo complaints at scale: realistic content and histories that agree with themselves.

Each complaint is *played* through an in-memory copy of the real process rather than
filled in column by column: the actions of tanjai.complaints.workflow are applied in
order at planned times, with the effects tanjai.complaints.handlers has (milestones, work
orders, pauses, new cycles), the SLA columns recomputed after each one as
tanjai.sla.services.sla_recompute does, and the SLA watcher's escalations recorded when it
would have recorded them (every minute). So the columns, the event log and the work orders
of a complaint tell the same story, and an open complaint is left exactly where the real
watcher would find it.

Nothing is queried per complaint: the reference data, the SLA targets and the calendar are
read once; tracking numbers are reserved per Buddhist Era year for a whole batch
(tracking_numbers_allocate(count=n)); rows go in one transaction per batch, with bulk_create,
or on PostgreSQL with COPY (about 5 us a row against 33 us for bulk_create's INSERT, measured
on the event table), while the next batch is being built (see seed_demo).

What SLA escalations would also have sent (notifications) is not generated.
"""

from tanjai.demo.generator.seed import seed_demo

__all__ = ["seed_demo"]
