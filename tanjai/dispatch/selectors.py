from __future__ import annotations

from tanjai.dispatch.models import WorkOrder, WorkOrderStatus


def work_order_open_for(*, complaint_id: int, user_id: int | None) -> WorkOrder | None:
    if user_id is None:
        return None
    return WorkOrder.objects.filter(
        complaint_id=complaint_id, status=WorkOrderStatus.OPEN, assignees__id=user_id
    ).first()
