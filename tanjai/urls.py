from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tanjai.accounts.views import LoginView
from tanjai.api import api
from tanjai.channels import views as import_views
from tanjai.channels.facebook import webhook as facebook_webhook
from tanjai.channels.line import webhook as line_webhook
from tanjai.complaints.queue_views import dashboard, queue, queue_bulk, staff_home
from tanjai.complaints.views import (
    attachment_file,
    attachment_upload,
    complaint_action,
    complaint_page,
    duplicates_mark,
    notice_resend_view,
    notice_told_view,
)
from tanjai.core.views import healthz
from tanjai.improvement import views as improvement_views
from tanjai.intake.views import complaint_new, complaint_registered, customer_lookup
from tanjai.portal import views as portal_views
from tanjai.reports import monthly_views
from tanjai.reports.views import report_download, reports_page

urlpatterns = [
    path("", portal_views.home, name="portal-home"),
    path("track", portal_views.track, name="portal-track"),
    path("receipt/<str:tracking_no>/", portal_views.receipt, name="portal-receipt"),
    path("privacy", portal_views.privacy, name="portal-privacy"),
    path("survey/<str:token>/", portal_views.survey, name="portal-survey"),
    path("webhooks/line", line_webhook, name="webhook-line"),
    path("webhooks/facebook", facebook_webhook, name="webhook-facebook"),
    path(
        "staff/complaints/<str:tracking_no>/notices/<int:pk>/resend/",
        notice_resend_view,
        name="staff-notice-resend",
    ),
    path(
        "staff/complaints/<str:tracking_no>/notices/<int:pk>/told/",
        notice_told_view,
        name="staff-notice-told",
    ),
    path("staff/", include("tanjai.notifications.urls")),
    path("staff/privacy/", include("tanjai.privacy.urls")),
    path("healthz", healthz, name="healthz"),
    # The admin signs in through the same door, with the same lockout.
    path("admin/login/", LoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", staff_home, name="staff-home"),
    path("staff/queues/<slug:name>/", queue, name="staff-queue"),
    path("staff/dashboard/", dashboard, name="staff-dashboard"),
    path("staff/reports/", reports_page, name="staff-reports"),
    path("staff/reports/download", report_download, name="staff-report-download"),
    path("staff/reports/monthly/", monthly_views.monthly, name="staff-monthly"),
    path("staff/issues/", improvement_views.issues, name="staff-issues"),
    path("staff/issues/<int:pk>/", improvement_views.issue_page, name="staff-issue"),
    path("staff/issues/evidence/<int:pk>/", improvement_views.evidence, name="staff-evidence"),
    path("staff/reports/monthly/submit", monthly_views.monthly_submit, name="staff-monthly-submit"),
    path(
        "staff/reports/monthly/datacenter.json",
        monthly_views.datacenter_export,
        name="staff-datacenter-export",
    ),
    path("staff/new/", complaint_new, name="staff-complaint-new"),
    path("staff/new/customer/", customer_lookup, name="staff-customer-lookup"),
    path("staff/new/<str:tracking_no>/", complaint_registered, name="staff-complaint-registered"),
    path("staff/complaints/<str:tracking_no>/", complaint_page, name="staff-complaint"),
    path(
        "staff/complaints/<str:tracking_no>/files/",
        attachment_upload,
        name="staff-attachment-upload",
    ),
    path(
        "staff/complaints/<str:tracking_no>/files/<int:pk>/",
        attachment_file,
        name="staff-attachment",
    ),
    path(
        "staff/complaints/<str:tracking_no>/duplicates/",
        duplicates_mark,
        name="staff-duplicates-mark",
    ),
    path("staff/imports/", import_views.imports, name="staff-imports"),
    path("staff/imports/<int:pk>/", import_views.import_page, name="staff-import"),
    path("staff/imports/answers.csv", import_views.import_answers, name="staff-import-answers"),
    path(
        "staff/imports/<int:pk>/rejected.csv",
        import_views.import_rejected,
        name="staff-import-rejected",
    ),
    path(
        "staff/imports/<int:pk>/continue/", import_views.import_resume, name="staff-import-resume"
    ),
    path("staff/queues/<slug:name>/bulk/", queue_bulk, name="staff-queue-bulk"),
    path(
        "staff/complaints/<str:tracking_no>/actions/<slug:action>/",
        complaint_action,
        name="staff-complaint-action",
    ),
    path("staff/login/", LoginView.as_view(), name="login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/password/", auth_views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "staff/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("api/v1/", api.urls),
]
# Uploaded files are never served as static media: they go through
# complaints.views.attachment_file, which checks who asks.
