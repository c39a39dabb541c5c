"""Staff pages of the notices to customers, under /staff/ (tanjai.urls includes them)."""

from django.urls import path

from tanjai.notifications import views

urlpatterns = [
    path("telephone/", views.telephone_tasks_page, name="staff-telephone-tasks"),
    path("sms-outbox/", views.local_sms_outbox, name="staff-local-sms"),
    path(
        "complaints/<str:tracking_no>/survey/print/",
        views.survey_card,
        name="staff-survey-card",
    ),
]
