"""The person's own pages, the forgot-password pages, and the admin's Users and Teams pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_admin

app_name = "users"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_delete, name="token_revoke"),
    path("me/password/", views.password_change, name="password_change"),
    path("password/forgot/", views.ForgotPasswordView.as_view(), name="password_forgot"),
    path("password/forgot/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="users/password_forgot_sent.html"), name="password_reset_sent"),
    path("password/reset/<uidb64>/<token>/", views.ResetPasswordView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="users/password_reset_done.html"), name="password_reset_complete"),
    path("users/", views_admin.user_list, name="user_list"),
    path("users/new/", views_admin.user_new, name="user_new"),
    path("users/<int:pk>/", views_admin.user_detail, name="user_detail"),
    path("users/<int:pk>/deactivate/", views_admin.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views_admin.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/reset-password/", views_admin.user_reset, name="user_reset"),
    path("users/<int:pk>/password/", views_admin.user_set_password, name="user_set_password"),
    path("teams/", views_admin.team_list, name="team_list"),
    path("teams/<int:pk>/", views_admin.team_detail, name="team_detail"),
]
