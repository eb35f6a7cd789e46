"""The person's own pages (users, teams and tokens live in this app)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_delete, name="token_revoke"),
]
