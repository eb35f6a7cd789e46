from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_csv, name="export"),
    path("dashboard/targets/", views.targets, name="targets"),
]
