"""Work orders change only as part of a workflow action (see complaints.handlers)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from tanjai.accounts.models import StaffProfile
from tanjai.accounts.roles import Role
from tanjai.complaints.errors import InvalidInput
from tanjai.complaints.models import Complaint
from tanjai.dispatch.models import WorkOrder, WorkOrderStatus


def work_order_create(
    *,
    complaint: Complaint,
    usernames: list[str],
    team_type: str,
    note: str,
    created_by_id: int | None,
    now: datetime,
) -> WorkOrder:
    """A work order naming the people sent; they must be technicians of the complaint's branch."""
    User = get_user_model()
    names = list(dict.fromkeys(usernames))
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    problems = [
        _("%(name)s is not an active user.") % {"name": repr(n)} for n in names if n not in users
    ]
    in_branch = set(
        StaffProfile.objects.filter(
            user__in=users.values(), branch_id=complaint.branch_id
        ).values_list("user__username", flat=True)
    )
    technicians = set(
        User.objects.filter(
            pk__in=[u.pk for u in users.values()], groups__name=Role.TECHNICIAN
        ).values_list("username", flat=True)
    )
    for name in users:
        if name not in technicians:
            problems.append(_("%(name)s is not a technician.") % {"name": repr(name)})
        elif name not in in_branch:
            problems.append(
                _("%(name)s does not work at branch %(branch)s.")
                % {"name": repr(name), "branch": complaint.branch.code}
            )
    if problems:
        raise InvalidInput(_("Cannot dispatch to these people."), errors={"assignees": problems})
    order = WorkOrder.objects.create(
        complaint=complaint,
        team_type=team_type,
        note=note,
        created_by_id=created_by_id,
        created_at=now,
    )
    order.assignees.set(users.values())
    return order


def work_orders_complete(*, complaint: Complaint, result: str, now: datetime) -> list[int]:
    orders = list(WorkOrder.objects.filter(complaint=complaint, status=WorkOrderStatus.OPEN))
    WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
        status=WorkOrderStatus.COMPLETED, result=result, completed_at=now
    )
    return [o.pk for o in orders]


def work_order_repeat(
    *, complaint: Complaint, created_by_id: int | None, note: str, now: datetime
) -> WorkOrder | None:
    """After a rejected fix or a reopening, send the same people back."""
    last = (
        WorkOrder.objects.filter(complaint=complaint)
        .exclude(status=WorkOrderStatus.CANCELLED)
        .last()
    )
    if last is None:
        return None
    if last.status == WorkOrderStatus.COMPLETED:
        WorkOrder.objects.filter(pk=last.pk).update(status=WorkOrderStatus.REJECTED)
    if last.status == WorkOrderStatus.OPEN:
        return last
    order = WorkOrder.objects.create(
        complaint=complaint,
        team_type=last.team_type,
        note=note,
        created_by_id=created_by_id,
        created_at=now,
    )
    order.assignees.set(last.assignees.all())
    return order


def work_orders_cancel(*, complaint: Complaint, now: datetime) -> None:
    WorkOrder.objects.filter(complaint=complaint, status=WorkOrderStatus.OPEN).update(
        status=WorkOrderStatus.CANCELLED, completed_at=now
    )
