from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("scoring/", views.rule_list, name="rules"),
    path("scoring/rules/new/", views.rule_edit, name="rule_create"),
    path("scoring/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("scoring/rules/<int:pk>/active/", views.rule_toggle, name="rule_toggle"),
    path("scoring/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("scoring/thresholds/", views.thresholds_edit, name="thresholds"),
]
