from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.overview, name="overview"),
    path("accounts/<int:pk>/feedback/", views.feedback_create, name="feedback_create"),
    path("accounts/<int:pk>/problems/", views.problem_create, name="problem_create"),
    path("accounts/<int:pk>/referrals/", views.referral_create, name="referral_create"),
    path("customers/problems/<int:pk>/resolve/", views.problem_resolve, name="problem_resolve"),
    path("customers/problems/<int:pk>/reopen/", views.problem_reopen, name="problem_reopen"),
]
