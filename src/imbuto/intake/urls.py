"""Intake URLs: each part (review queue, imports, public form and chat) keeps its own module."""

from django.urls import include, path

app_name = "intake"

urlpatterns = [
    path("", include("imbuto.intake.urls_review")),
    path("", include("imbuto.intake.urls_imports")),
    path("", include("imbuto.intake.urls_public")),
]
