"""Step 7: each branch submits its month to its region; the region consolidates the
submitted branch reports and submits to head office's Data Center.

A submission freezes the month's figures. A complaint changed afterwards never alters
them: the month's page shows the difference between the submitted and the current figures
(a revision), and submitting again makes a new version that records that difference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.core.periods import Period, month_period
from tanjai.organisation.models import Branch, Region
from tanjai.reports.models import (
    MonthlySubmission,
    ReportCell,
    SubmissionDeadline,
    SubmissionLevel,
)
from tanjai.reports.scope import Scope
from tanjai.reports.selectors import SLA_KEYS, _summed, category_sla

FORMAT = "tanjai-monthly/1"
DEFAULT_DEADLINES = {SubmissionLevel.BRANCH: 5, SubmissionLevel.REGION: 10}
BRANCH_SUBMITTERS = frozenset({Role.BRANCH_MANAGER, Role.CENTRE_STAFF})
REGION_SUBMITTERS = frozenset({Role.REGION_OFFICER})


def deadlines_seed() -> None:
    for level, day in DEFAULT_DEADLINES.items():
        SubmissionDeadline.objects.get_or_create(level=level, defaults={"day": day})


def deadline_of(level: str, month: date) -> date:
    rule = SubmissionDeadline.objects.filter(level=level).first()
    day = rule.day if rule else DEFAULT_DEADLINES[SubmissionLevel(level)]
    return (month_period(month).last + timedelta(days=1)).replace(day=day)


def _branch_scope(branch: Branch) -> Scope:
    return Scope(
        "branch",
        region_id=branch.region_id,
        branch_id=branch.pk,
        code=f"branch:{branch.code}",
        label=branch.name_th,
    )


def branch_month_figures(branch: Branch, period: Period) -> dict[str, Any]:
    """The figures a branch submits: category-sla by category, with satisfaction."""
    scope = _branch_scope(branch)
    report = category_sla(scope=scope, period=period)
    sat = _summed(ReportCell, [], scope, period, ["satisfaction_n", "satisfaction_sum"]).get(
        (), {"satisfaction_n": 0, "satisfaction_sum": 0}
    )
    rows = [{k: r[k] for k in ("category", *SLA_KEYS)} for r in report["rows"]]
    return {
        "as_of": report["as_of"],
        "rows": rows,
        "totals": report["totals"],
        "satisfaction_n": sat["satisfaction_n"],
        "satisfaction_sum": sat["satisfaction_sum"],
    }


def figures_add(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Branch figures summed into a region's."""
    rows: dict[str, dict[str, int]] = {}
    for part in parts:
        for row in part["rows"]:
            target = rows.setdefault(row["category"], dict.fromkeys(SLA_KEYS, 0))
            for k in SLA_KEYS:
                target[k] += row[k]
    return {
        "rows": [{"category": c, **v} for c, v in rows.items()],
        "totals": {k: sum(p["totals"][k] for p in parts) for k in SLA_KEYS},
        "satisfaction_n": sum(p["satisfaction_n"] for p in parts),
        "satisfaction_sum": sum(p["satisfaction_sum"] for p in parts),
    }


# The split of open complaints between "within" and "over" their due time moves with the
# clock alone; their sums move only with events. A revision compares what events change.
_EVENT_FIGURES = {
    "received": ["received"],
    "closed_within_sla": ["closed_within_sla"],
    "closed_over_sla": ["closed_over_sla"],
    "ended_not_applicable": ["ended_not_applicable"],
    "open": ["open_within_sla", "open_over_sla"],
    "informed_within_24h": ["informed_within_24h"],
    "informed_over_24h": ["informed_over_24h"],
    "not_informed": ["not_informed_within_24h", "not_informed_over_24h"],
    "inform_not_applicable": ["inform_not_applicable"],
}


def _event_figures(row: dict[str, Any]) -> dict[str, int]:
    return {name: sum(row.get(k, 0) for k in keys) for name, keys in _EVENT_FIGURES.items()}


def figures_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What events changed, figure by figure: [{category, figure, was, now}]."""
    changes = []
    old_rows = {r["category"]: _event_figures(r) for r in old.get("rows", [])}
    new_rows = {r["category"]: _event_figures(r) for r in new.get("rows", [])}
    for category in [*old_rows, *(c for c in new_rows if c not in old_rows)]:
        was, now = old_rows.get(category, {}), new_rows.get(category, {})
        for key in _EVENT_FIGURES:
            if was.get(key, 0) != now.get(key, 0):
                changes.append(
                    {
                        "category": category,
                        "figure": key,
                        "was": was.get(key, 0),
                        "now": now.get(key, 0),
                    }
                )
    for key in ("satisfaction_n", "satisfaction_sum"):
        if old.get(key, 0) != new.get(key, 0):
            changes.append(
                {"category": "", "figure": key, "was": old.get(key, 0), "now": new.get(key, 0)}
            )
    return changes


def latest(
    level: str,
    month: date,
    *,
    branch: Branch | None = None,
    region: Region | None = None,
    region_id: int | None = None,
) -> MonthlySubmission | None:
    """The last version submitted of a branch's (or a region's) month."""
    qs = MonthlySubmission.objects.filter(level=level, month=month)
    if level == SubmissionLevel.BRANCH:
        return qs.filter(branch=branch).order_by("-version").first()
    return qs.filter(region_id=region.pk if region else region_id or 0).order_by("-version").first()


def _month_closed(month: date) -> None:
    if month_period(month).end > timezone.now():
        raise InvalidInput(
            _("%(month)s has not ended yet: a month is submitted once it is over.")
            % {"month": month_period(month).label}
        )


def _submit(
    *,
    level: str,
    month: date,
    region_id: int,
    branch: Branch | None,
    figures: dict[str, Any],
    actor: Actor,
    note: str,
) -> MonthlySubmission:
    """The next version of a month's submission, recording what changed since the last;
    refused when nothing did."""
    if actor.user_id is None:
        raise Forbidden(_("A submission is made by a member of staff."))
    previous = latest(level, month, branch=branch, region_id=region_id)
    changes = figures_diff(previous.figures, figures) if previous else []
    if previous and not changes:
        raise Conflict(
            _("Nothing has changed since version %(version)d was submitted.")
            % {"version": previous.version}
        )
    try:
        with transaction.atomic():
            return MonthlySubmission.objects.create(
                level=level,
                month=month,
                region_id=region_id,
                branch=branch,
                version=previous.version + 1 if previous else 1,
                figures=figures,
                changes=changes,
                note=note[:2000],
                submitted_by_id=actor.user_id,
                submitted_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("Someone submitted this month at the same moment; reload the page.")
        ) from None


def branch_month_submit(
    *, actor: Actor, branch: Branch, month: date, note: str = ""
) -> MonthlySubmission:
    """The branch reviews its month and submits it: its figures are frozen as they are now."""
    if not (actor.is_admin or (actor.has_any(BRANCH_SUBMITTERS) and actor.branch_id == branch.pk)):
        raise Forbidden(_("Only the branch's own manager or centre submits its month."))
    month = month.replace(day=1)
    _month_closed(month)
    figures = branch_month_figures(branch, month_period(month))
    return _submit(
        level=SubmissionLevel.BRANCH,
        month=month,
        region_id=branch.region_id,
        branch=branch,
        figures=figures,
        actor=actor,
        note=note,
    )


@dataclass
class BranchState:
    branch: Branch
    submission: MonthlySubmission | None


def region_month_state(region: Region, month: date) -> list[BranchState]:
    """Each active branch of the region with its latest submission of the month (or none)."""
    branches = list(Branch.objects.filter(region=region, active=True).order_by("code"))
    versions = {
        row["branch_id"]: row["v"]
        for row in MonthlySubmission.objects.filter(
            level=SubmissionLevel.BRANCH, month=month, region=region
        )
        .values("branch_id")
        .annotate(v=Max("version"))
    }
    submissions = {
        s.branch_id: s
        for s in MonthlySubmission.objects.filter(
            level=SubmissionLevel.BRANCH, month=month, region=region
        ).select_related("submitted_by")
        if versions.get(s.branch_id) == s.version
    }
    return [BranchState(b, submissions.get(b.pk)) for b in branches]


def region_month_submit(
    *, actor: Actor, region: Region, month: date, note: str = ""
) -> MonthlySubmission:
    """The region consolidates its branches' submitted months and submits to head office.
    Every active branch must have submitted; the figures are the sum of their submissions."""
    if not (actor.is_admin or (actor.has_any(REGION_SUBMITTERS) and actor.region_id == region.pk)):
        raise Forbidden(_("Only the region's own officers submit its month."))
    month = month.replace(day=1)
    _month_closed(month)
    state = region_month_state(region, month)
    missing = [s.branch.name_th for s in state if s.submission is None]
    if missing:
        raise InvalidInput(
            _("Not every branch has submitted: %(branches)s.") % {"branches": ", ".join(missing)}
        )
    parts = [s.submission.figures for s in state if s.submission]
    figures = figures_add(parts)
    figures["branches"] = [
        {
            "branch": s.branch.code,
            "version": s.submission.version,
            "submitted_at": s.submission.submitted_at.isoformat(),
            "totals": s.submission.figures["totals"],
        }
        for s in state
        if s.submission
    ]
    return _submit(
        level=SubmissionLevel.REGION,
        month=month,
        region_id=region.pk,
        branch=None,
        figures=figures,
        actor=actor,
        note=note,
    )


def branch_revision(submission: MonthlySubmission) -> list[dict[str, Any]]:
    """How the branch's month stands now against what was submitted."""
    assert submission.branch is not None
    now = branch_month_figures(submission.branch, month_period(submission.month))
    return figures_diff(submission.figures, now)


def datacenter_month(month: date) -> dict[str, Any]:
    """What head office's Data Center pulls for a month: each region's latest submission."""
    month = month.replace(day=1)
    regions = []
    for region in Region.objects.order_by("number"):
        submission = latest(SubmissionLevel.REGION, month, region=region)
        regions.append(
            {
                "region": region.number,
                "name": region.name_th,
                "submitted": submission is not None,
                "version": submission.version if submission else None,
                "submitted_at": submission.submitted_at.isoformat() if submission else None,
                "deadline": deadline_of(SubmissionLevel.REGION, month).isoformat(),
                "figures": submission.figures if submission else None,
                "changes": submission.changes if submission else [],
            }
        )
    return {"format": FORMAT, "month": f"{month:%Y-%m}", "regions": regions}


def submission_reminders(*, today: date | None = None) -> int:
    """Remind those who have not submitted last month, from a few days before the deadline
    (once a day): branch managers and centres, then region officers."""
    from tanjai.accounts.models import StaffProfile
    from tanjai.notifications.services import notify_staff

    today = today or timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    label = month_period(month).label
    users = get_user_model().objects.filter(is_active=True)
    sent = 0
    for level, roles in (
        (SubmissionLevel.BRANCH, BRANCH_SUBMITTERS),
        (SubmissionLevel.REGION, REGION_SUBMITTERS),
    ):
        rule = SubmissionDeadline.objects.filter(level=level).first()
        due = deadline_of(level, month)
        if today < due - timedelta(days=rule.remind_days_before if rule else 3):
            continue
        submitted = set(
            MonthlySubmission.objects.filter(level=level, month=month).values_list(
                "branch_id" if level == SubmissionLevel.BRANCH else "region_id", flat=True
            )
        )
        profiles = StaffProfile.objects.filter(user__in=users, user__groups__name__in=roles)
        if level == SubmissionLevel.BRANCH:
            late = profiles.filter(branch__active=True).exclude(branch_id__in=submitted)
        else:
            late = profiles.filter(region__isnull=False).exclude(region_id__in=submitted)
        for profile in late.select_related("user").distinct():
            notify_staff(
                users=[profile.user],
                key=f"submission:{level}:{month:%Y-%m}:{today.isoformat()}",
                subject=f"ส่งรายงานประจำเดือน {label} ภายใน {due.day}/{due.month}/{due.year + 543}",
                body=(
                    f"รายงานเรื่องร้องเรียนประจำเดือน {label} ยังไม่ได้ส่ง "
                    f"กำหนดส่งวันที่ {due.day}/{due.month}/{due.year + 543}"
                ),
            )
            sent += 1
    return sent
