from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("leads/<int:pk>/first-contact/", views.first_contact, name="first_contact"),
    path("response-times/", views.reps, name="reps"),
    path("response-times/policy/", views.policy, name="policy"),
]
