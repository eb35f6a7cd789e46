from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("my-day/", views.my_day_view, name="my_day"),
    path("activities/log/", views.log, name="log"),
    path("activities/<int:pk>/", views.edit, name="edit"),
    path("activities/<int:pk>/done/", views.done, name="done"),
    path("activities/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("activities/<int:pk>/ics/", views.ics, name="ics"),
]
