"""Step 7: each branch submits its month to its region; the region consolidates the
submitted branch reports and submits to head office's Data Center.

A submission freezes the month's figures. A complaint changed afterwards never alters
them: the month's page shows the difference between the submitted and the current figures
(a revision), and submitting again makes a new version that records that difference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tanjai.accounts.models import StaffProfile
from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.errors import Conflict, Forbidden, InvalidInput
from tanjai.core.dates import format_date
from tanjai.core.periods import Period, month_period
from tanjai.notifications.services import notify_staff
from tanjai.organisation.models import Branch, Region
from tanjai.organisation.selectors import branches_in_thai_order
from tanjai.reports.models import (
    MonthlySubmission,
    ReportCell,
    SubmissionDeadline,
    SubmissionLevel,
)
from tanjai.reports.scope import Scope
from tanjai.reports.selectors import SLA_KEYS, _summed, category_sla
from tanjai.reports.services import reports_scope_refresh

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


def branch_scope(branch: Branch) -> Scope:
    return Scope(
        "branch",
        region_id=branch.region_id,
        branch_id=branch.pk,
        code=f"branch:{branch.code}",
        label=branch.name_th,
    )


def branch_month_figures(branch: Branch, period: Period) -> dict[str, Any]:
    """The figures a branch submits: category-sla by category, with satisfaction (as the
    summaries stand: refreshed first by whoever asks)."""
    scope = branch_scope(branch)
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
    # A region's: a branch whose month arrived (or was revised) since the last version.
    old_branches = {b["branch"]: b["version"] for b in old.get("branches", [])}
    for branch in new.get("branches", []):
        was = old_branches.get(branch["branch"], 0)
        if was != branch["version"]:
            changes.append(
                {"category": "", "figure": f"branch:{branch['branch']}", "was": was,
                 "now": branch["version"]}
            )  # fmt: skip
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


def _month_closed(month: date, now: datetime) -> None:
    if month_period(month).end > now:
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
    now: datetime,
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
                submitted_at=now,
            )
    except IntegrityError:
        raise Conflict(
            _("Someone submitted this month at the same moment; reload the page.")
        ) from None


def branch_month_submit(
    *, actor: Actor, branch: Branch, month: date, note: str = "", now: datetime | None = None
) -> MonthlySubmission:
    """The branch reviews its month and submits it: its figures are frozen as they are now."""
    now = now or timezone.now()
    if not (actor.is_admin or (actor.has_any(BRANCH_SUBMITTERS) and actor.branch_id == branch.pk)):
        raise Forbidden(_("Only the branch's own manager or centre submits its month."))
    month = month.replace(day=1)
    _month_closed(month, now)
    reports_scope_refresh(scope=branch_scope(branch))
    figures = branch_month_figures(branch, month_period(month))
    return _submit(
        level=SubmissionLevel.BRANCH,
        month=month,
        region_id=branch.region_id,
        branch=branch,
        figures=figures,
        actor=actor,
        note=note,
        now=now,
    )


def overdue_days(deadline: date, submitted_at: Any = None, *, today: date | None = None) -> int:
    """Days past the deadline: of a submission made late, or of one still missing."""
    if submitted_at is not None:
        day = timezone.localdate(submitted_at)
    else:
        day = today or timezone.localdate()
    return max(0, (day - deadline).days)


@dataclass
class BranchState:
    branch: Branch
    submission: MonthlySubmission | None
    deadline: date
    in_region: int | None = None  # the branch's version the region's last report holds
    today: date | None = None
    first_at: datetime | None = None  # when version 1 was submitted

    @property
    def overdue(self) -> int:
        """Days late: of the first submission (a revision made later is not lateness), or
        so far if there is none."""
        return overdue_days(self.deadline, self.first_at, today=self.today)


def region_month_state(
    region: Region, month: date, *, today: date | None = None
) -> list[BranchState]:
    """Each active branch of the region with its latest submission of the month (or none),
    by the branches' Thai names."""

    branches = branches_in_thai_order(Branch.objects.filter(region=region, active=True))
    versions, firsts = {}, {}
    for row in (
        MonthlySubmission.objects.filter(level=SubmissionLevel.BRANCH, month=month, region=region)
        .values("branch_id")
        .annotate(v=Max("version"), first=Min("submitted_at"))
    ):
        versions[row["branch_id"]] = row["v"]
        firsts[row["branch_id"]] = row["first"]
    submissions = {
        s.branch_id: s
        for s in MonthlySubmission.objects.filter(
            level=SubmissionLevel.BRANCH, month=month, region=region
        ).select_related("submitted_by")
        if versions.get(s.branch_id) == s.version
    }
    deadline = deadline_of(SubmissionLevel.BRANCH, month)
    states = [
        BranchState(b, submissions.get(b.pk), deadline, today=today, first_at=firsts.get(b.pk))
        for b in branches
    ]
    sent = latest(SubmissionLevel.REGION, month, region=region)
    held = {b["branch"]: b["version"] for b in (sent.figures.get("branches", []) if sent else [])}
    for state in states:
        state.in_region = held.get(state.branch.code)
    return states


@dataclass
class RegionMonth:
    """A region's month as its officer reviews it before sending it to head office."""

    region: Region
    branches: list[BranchState]
    submission: MonthlySubmission | None
    deadline: date
    branch_deadline: date
    overdue: int  # days the region's first version was late, or is so far
    arrived: list[dict[str, Any]]  # branches that arrived or changed since it was sent

    @property
    def submitted_count(self) -> int:
        return sum(1 for s in self.branches if s.submission)

    @property
    def late_count(self) -> int:
        return sum(1 for s in self.branches if s.submission is None and s.overdue)

    @property
    def may_send(self) -> bool:
        """Once every branch has submitted, or, past the branches' deadline, once any has."""
        if not self.submitted_count:
            return False
        return self.submitted_count == len(self.branches) or (
            timezone.localdate() > self.branch_deadline
        )


def region_month(region: Region, month: date) -> RegionMonth:
    states = region_month_state(region, month)
    submission = latest(SubmissionLevel.REGION, month, region=region)
    deadline = deadline_of(SubmissionLevel.REGION, month)
    first = (
        MonthlySubmission.objects.filter(level=SubmissionLevel.REGION, month=month, region=region)
        .order_by("version")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return RegionMonth(
        region=region,
        branches=states,
        submission=submission,
        deadline=deadline,
        branch_deadline=deadline_of(SubmissionLevel.BRANCH, month),
        overdue=overdue_days(deadline, first),
        arrived=_arrived(states, submission),
    )


def _arrived(states: list[BranchState], sent: MonthlySubmission | None) -> list[dict[str, Any]]:
    if sent is None:
        return []
    held = {b["branch"]: b["version"] for b in sent.figures.get("branches", [])}
    return [
        {"branch": s.branch, "was": held.get(s.branch.code), "now": s.submission.version}
        for s in states
        if s.submission and held.get(s.branch.code) != s.submission.version
    ]


def region_month_submit(
    *, actor: Actor, region: Region, month: date, note: str = "", now: datetime | None = None
) -> MonthlySubmission:
    """The region consolidates its branches' submitted months and submits to head office,
    on time even if some branches have not submitted: those are named in the report and
    flagged. A branch that submits later goes into the region's next version."""
    if not (actor.is_admin or (actor.has_any(REGION_SUBMITTERS) and actor.region_id == region.pk)):
        raise Forbidden(_("Only the region's own officers submit its month."))
    now = now or timezone.now()
    month = month.replace(day=1)
    _month_closed(month, now)
    today = timezone.localdate(now)
    state = region_month_state(region, month, today=today)
    if not any(s.submission for s in state):
        raise InvalidInput(
            _("No branch of the region has submitted %(month)s yet: there is nothing to send.")
            % {"month": month_period(month).label}
        )
    branch_due = deadline_of(SubmissionLevel.BRANCH, month)
    if today <= branch_due and not all(s.submission for s in state):
        # Before the branches' deadline a missing branch is not late: the region waits.
        raise InvalidInput(
            _(
                "The branches have until %(deadline)s to submit; until then the region sends "
                "once every branch has submitted (%(missing)s not yet)."
            )
            % {
                "deadline": format_date(
                    branch_due, language=get_language() or "th", with_time=False
                ),
                "missing": ", ".join(s.branch.name for s in state if s.submission is None),
            }
        )
    parts = [s.submission.figures for s in state if s.submission]
    figures = figures_add(parts)
    figures["branches"] = [
        {
            "branch": s.branch.code,
            "version": s.submission.version,
            "submitted_at": s.submission.submitted_at.isoformat(),
            "overdue_days": s.overdue,
            "totals": s.submission.figures["totals"],
        }
        for s in state
        if s.submission
    ]
    figures["missing"] = [
        {"branch": s.branch.code, "name": s.branch.name_th, "overdue_days": s.overdue}
        for s in state
        if s.submission is None
    ]
    return _submit(
        level=SubmissionLevel.REGION,
        month=month,
        region_id=region.pk,
        branch=None,
        figures=figures,
        actor=actor,
        note=note,
        now=now,
    )


def region_revision(region: Region, month: date) -> list[dict[str, Any]]:
    """The branches whose month arrived or changed since the region last submitted."""
    return _arrived(
        region_month_state(region, month), latest(SubmissionLevel.REGION, month, region=region)
    )


def branch_revision(submission: MonthlySubmission) -> list[dict[str, Any]]:
    """How the branch's month stands now against what was submitted."""
    assert submission.branch is not None
    now = branch_month_figures(submission.branch, month_period(submission.month))
    return figures_diff(submission.figures, now)


def datacenter_month(month: date) -> dict[str, Any]:
    """What head office's Data Center pulls for a month: each region's latest submission,
    whether it came late, and the branches it does not hold yet."""
    month = month.replace(day=1)
    deadline = deadline_of(SubmissionLevel.REGION, month)
    regions = []
    firsts = dict(
        MonthlySubmission.objects.filter(level=SubmissionLevel.REGION, month=month)
        .values("region_id")
        .annotate(first=Min("submitted_at"))
        .values_list("region_id", "first")
    )
    for region in Region.objects.order_by("number"):
        submission = latest(SubmissionLevel.REGION, month, region=region)
        figures = submission.figures if submission else None
        regions.append(
            {
                "region": region.number,
                "name": region.name_th,
                "submitted": submission is not None,
                "version": submission.version if submission else None,
                "submitted_at": submission.submitted_at.isoformat() if submission else None,
                "deadline": deadline.isoformat(),
                # Late is when version 1 came: a later version only adds what arrived.
                "overdue_days": overdue_days(deadline, firsts.get(region.pk)),
                "missing_branches": [m["branch"] for m in (figures or {}).get("missing", [])],
                "figures": figures,
                "changes": submission.changes if submission else [],
            }
        )
    return {"format": FORMAT, "month": f"{month:%Y-%m}", "regions": regions}


def head_office_month(month: date) -> list[dict[str, Any]]:
    """The regions as head office reviews them: the Data Center's month, with the times as
    datetimes and, per region, how many of its branches are past their deadline with
    nothing submitted."""
    late: dict[int, int] = {}
    if overdue_days(deadline_of(SubmissionLevel.BRANCH, month)):
        submitted = MonthlySubmission.objects.filter(
            level=SubmissionLevel.BRANCH, month=month
        ).values_list("branch_id", flat=True)
        for number in (
            Branch.objects.filter(active=True)
            .exclude(pk__in=submitted)
            .values_list("region__number", flat=True)
        ):
            late[number] = late.get(number, 0) + 1
    regions = datacenter_month(month)["regions"]
    for region in regions:
        when = region["submitted_at"]
        region["submitted_on"] = datetime.fromisoformat(when) if when else None
        region["missing_count"] = len(region["missing_branches"])
        region["late_branches"] = late.get(region["region"], 0)
    return regions


def submission_reminders(*, today: date | None = None) -> int:
    """Remind those who have not submitted last month, from a few days before the deadline
    (once a day): branch managers and centres, then region officers."""

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
