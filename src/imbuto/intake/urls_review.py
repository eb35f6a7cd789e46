"""Duplicate review queue and merge inspection; included under the "intake" namespace (no app_name)."""

from django.urls import path

from . import views_review as views

urlpatterns = [
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("leads/<int:pk>/merges/", views.lead_merges, name="lead_merges"),
]
