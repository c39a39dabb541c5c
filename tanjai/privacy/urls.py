from django.urls import path

from tanjai.privacy import views

urlpatterns = [
    path("", views.requests_page, name="privacy-requests"),
    path("<int:pk>/", views.request_page, name="privacy-request"),
    path("<int:pk>/copy.zip", views.request_copy_download, name="privacy-request-copy"),
]
