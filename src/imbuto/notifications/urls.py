from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/read/", views.notification_read_all, name="read_all"),
    path("notifications/email/", views.email_preference, name="email_preference"),
]
