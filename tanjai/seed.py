"""Everything a new database needs before its first complaint: roles, the organisation,
reference data, the SLA policies and calendar, notice templates, import formats and
report deadlines. Seeding only adds what is missing (an administrator's edits are kept),
so it is safe on every start. It sits above the apps: each seeds its own."""

from __future__ import annotations

from tanjai.accounts.services import roles_seed
from tanjai.channels.import_defaults import import_formats_seed
from tanjai.notifications.defaults import notice_templates_seed
from tanjai.organisation.services import organisation_seed
from tanjai.reference.services import reference_seed
from tanjai.reports.submissions import deadlines_seed
from tanjai.sla.services import sla_seed


def all_seed() -> None:

    roles_seed()
    organisation_seed()
    reference_seed()
    sla_seed()
    notice_templates_seed()
    import_formats_seed()
    deadlines_seed()
