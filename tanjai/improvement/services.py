"""Following up organisation-level issues (step 9): ครส. marks a complaint or a group of
them as an issue, assigns improvement actions to units with an owner and a due date; the
owner records progress and evidence; an action past its due date is flagged."""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor, actor_for
from tanjai.complaints.attachments import attachments_check
from tanjai.complaints.errors import Forbidden, InvalidInput, NotFound
from tanjai.complaints.models import AttachmentKind, Complaint
from tanjai.core.dates import format_date
from tanjai.core.tracking import TrackingNumberError, tracking_normalise
from tanjai.improvement.models import (
    FINISHED,
    ActionStatus,
    ActionUpdate,
    ImprovementAction,
    IssueStatus,
    OrgIssue,
)
from tanjai.improvement.selectors import actions_overdue
from tanjai.notifications.services import notify_staff
from tanjai.organisation.models import Unit
from tanjai.reference.models import Subcategory

# ครส. decides; head office's analysts and สสส. read along.
COMMITTEE = frozenset({Role.COMMITTEE})
READERS = frozenset({Role.COMMITTEE, Role.HQ_ANALYST, Role.EVALUATOR})
PATTERN_LIMIT = 5000


def _committee(actor: Actor) -> int:
    if not actor.has_any(COMMITTEE) or actor.user_id is None:
        raise Forbidden(_("Only ครส. members mark issues and assign improvement actions."))
    return actor.user_id


def issue_create(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    tracking_numbers: list[str] | None = None,
    subcategory: str = "",
    province: str = "",
    district: str = "",
    since: date | None = None,
) -> OrgIssue:
    """An issue from listed complaints, or from a pattern (a subcategory in an area since a
    date), or both."""
    user_id = _committee(actor)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the issue a title.")]
    numbers = []
    for raw in tracking_numbers or []:
        try:
            numbers.append(tracking_normalise(raw))
        except TrackingNumberError:
            errors.setdefault("complaints", []).append(
                _("%(n)s is not a tracking number.") % {"n": raw}
            )
    found = list(Complaint.objects.filter(tracking_no__in=numbers))
    missing = sorted(set(numbers) - {c.tracking_no for c in found})
    if missing:
        errors.setdefault("complaints", []).append(
            _("No complaint %(numbers)s.") % {"numbers": ", ".join(missing)}
        )
    sub = None
    if subcategory:
        sub = Subcategory.objects.filter(code=subcategory).select_related("category").first()
        if sub is None:
            errors["subcategory"] = [_("No subcategory %(code)s.") % {"code": subcategory}]
    if not numbers and sub is None:
        errors.setdefault("complaints", []).append(
            _("List the complaints, or give a subcategory (and an area) for a pattern.")
        )
    if errors:
        raise InvalidInput(_("The issue is not valid."), errors=errors)
    pattern: list[int] = []
    if sub is not None:
        qs = Complaint.objects.filter(subcategory=sub)
        if province:
            qs = qs.filter(province=province)
        if district:
            qs = qs.filter(district=district)
        if since:
            qs = qs.filter(received_at__date__gte=since)
        pattern = list(qs.order_by("-received_at").values_list("id", flat=True)[:PATTERN_LIMIT])
    with transaction.atomic():
        issue = OrgIssue.objects.create(
            title=title.strip()[:200],
            description=description,
            category=sub.category if sub else (found[0].category if found else None),
            subcategory=sub,
            province=province[:100],
            district=district[:100],
            created_by_id=user_id,
        )
        issue.complaints.add(*[c.pk for c in found], *pattern)
    return issue


def _covers_unit(owner: Actor, unit: Unit) -> bool:
    """Whether the unit lies in the owner's scope. A head-office department has neither
    branch nor region: someone of head office owns it."""
    if unit.branch is not None:
        return owner.covers(region_id=unit.branch.region_id, branch_id=unit.branch.pk)
    return owner.covers(region_id=unit.region_id, branch_id=None)


def action_create(
    *, actor: Actor, issue: OrgIssue, title: str, unit: str, owner: str, due_date: date
) -> ImprovementAction:
    user_id = _committee(actor)
    errors: dict[str, list[str]] = {}
    unit_obj = Unit.objects.filter(code=unit, active=True).first()
    if unit_obj is None:
        errors["unit"] = [_("No unit %(code)s.") % {"code": unit}]
    owner_obj = get_user_model().objects.filter(username=owner, is_active=True).first()
    if owner_obj is None or not owner_obj.groups.exists():
        errors["owner"] = [_("No staff member %(name)s.") % {"name": owner}]
    elif unit_obj is not None and not _covers_unit(actor_for(owner_obj), unit_obj):
        errors["owner"] = [
            _("%(name)s does not work in %(unit)s's branch or region.")
            % {"name": owner, "unit": unit_obj.name_th}
        ]
    if not title.strip():
        errors["title"] = [_("Say what is to be done.")]
    if due_date < timezone.localdate():
        errors["due_date"] = [_("The due date has passed already.")]
    if issue.status != IssueStatus.OPEN:
        errors["issue"] = [_("The issue is closed.")]
    if errors or unit_obj is None or owner_obj is None:
        raise InvalidInput(_("The action is not valid."), errors=errors)
    action = ImprovementAction.objects.create(
        issue=issue,
        title=title.strip()[:300],
        unit=unit_obj,
        owner=owner_obj,
        due_date=due_date,
        created_by_id=user_id,
    )

    notify_staff(
        users=[owner_obj],
        key=f"improvement:{action.pk}:assigned",
        subject=f"ครส. มอบหมายการปรับปรุง: {action.title[:120]}",
        body=(
            f"ประเด็น: {issue.title}\nการดำเนินการ: {action.title}\n"
            f"หน่วยงาน: {unit_obj.name_th}\nกำหนดเสร็จ: {format_date(due_date, with_time=False)}"
        ),
    )
    return action


def action_update(
    *,
    actor: Actor,
    action: ImprovementAction,
    note: str,
    status: str,
    evidence: IO[bytes] | None = None,
    now: datetime | None = None,
) -> ActionUpdate:
    """The owner (or ครส.) records progress; the action takes the status given."""

    if actor.user_id is None or not (actor.has_any(COMMITTEE) or actor.user_id == action.owner_id):
        raise Forbidden(_("Only the action's owner or ครส. records its progress."))
    errors: dict[str, list[str]] = {}
    if not note.strip():
        errors["note"] = [_("Say what was done.")]
    if status not in ActionStatus.values:
        errors["status"] = [_("Not a status.")]
    if action.status in FINISHED:
        errors["status"] = [_("The action is finished already.")]
    if status == ActionStatus.CANCELLED and not actor.has_any(COMMITTEE):
        errors["status"] = [_("Only ครส. cancels an action.")]
    if errors:
        raise InvalidInput(_("The progress is not valid."), errors=errors)
    if evidence is not None:
        attachments_check([evidence], kind=AttachmentKind.DOCUMENT)
    now = now or timezone.now()
    with transaction.atomic():
        # One at a time per issue: the last action to finish closes it, exactly once.
        OrgIssue.objects.select_for_update().filter(pk=action.issue_id).first()
        update = ActionUpdate(action=action, at=now, by_id=actor.user_id, note=note, status=status)
        if evidence is not None:
            update.evidence.save(getattr(evidence, "name", "evidence"), evidence, save=False)
        update.save()
        action.status = status
        action.completed_at = now if status in FINISHED else None
        action.save(update_fields=["status", "completed_at"])
        if status in FINISHED and not action.issue.actions.exclude(status__in=FINISHED).exists():
            OrgIssue.objects.filter(pk=action.issue_id).update(
                status=IssueStatus.CLOSED, closed_at=now
            )
    return update


def actions_overdue_remind(*, today: date | None = None) -> int:
    """Tell each owner of an overdue action, once a day, and ครส. who assigned it."""

    today = today or timezone.localdate()
    sent = 0
    for action in actions_overdue(today=today).select_related("issue", "owner", "created_by"):
        notify_staff(
            users=[action.owner, action.created_by],
            key=f"improvement:{action.pk}:overdue:{today.isoformat()}",
            subject=f"เลยกำหนด: {action.title[:150]}",
            body=(
                f"การปรับปรุง “{action.title}” ของประเด็น “{action.issue.title}” "
                f"เลยกำหนด {format_date(action.due_date, with_time=False)} แล้ว"
            ),
        )
        sent += 1
    return sent


def issues_visible(actor: Actor) -> QuerySet[OrgIssue]:
    """ครส., analysts and สสส. see every issue; an owner sees the issues of their actions."""
    if actor.has_any(READERS):
        return OrgIssue.objects.all()
    if actor.user_id is None:
        return OrgIssue.objects.none()
    return OrgIssue.objects.filter(actions__owner_id=actor.user_id).distinct()


def issue_get(actor: Actor, pk: int) -> OrgIssue:
    issue = issues_visible(actor).filter(pk=pk).first()
    if issue is None:
        raise NotFound(_("No such issue."))
    return issue


def actions_in(period_start: datetime, period_end: datetime) -> QuerySet[ImprovementAction]:
    """The actions a quarter's package lists, as they stand now: every one still open, and
    those finished since the quarter began."""
    return (
        ImprovementAction.objects.filter(
            Q(completed_at__isnull=True) | Q(completed_at__gte=period_start)
        )
        .select_related("issue", "unit", "owner")
        .order_by("due_date", "id")
    )


def action_summary(action: ImprovementAction) -> dict[str, Any]:
    """One action as the quarter's package lists it (annotated by actions_with_overdue)."""
    return {
        "issue": action.issue.title,
        "action": action.title,
        "unit": action.unit.name_th,
        "owner": action.owner.get_full_name() or action.owner.get_username(),
        "due_date": action.due_date.isoformat(),
        "status": action.status,
        "status_name": str(action.get_status_display()),
        "overdue": action.overdue,  # type: ignore[attr-defined]
        "completed_at": action.completed_at.isoformat() if action.completed_at else None,
    }
