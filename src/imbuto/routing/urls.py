from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("routing/", views.overview, name="overview"),
    path("routing/rules/new/", views.rule_edit, name="rule_new"),
    path("routing/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("routing/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("routing/rules/<int:pk>/move/", views.rule_move, name="rule_move"),
    path("routing/pools/new/", views.pool_edit, name="pool_new"),
    path("routing/pools/<int:pk>/", views.pool_edit, name="pool_edit"),
    path("routing/pools/<int:pk>/delete/", views.pool_delete, name="pool_delete"),
    path("routing/pools/<int:pk>/members/", views.member_save, name="member_add"),
    path("routing/members/<int:pk>/", views.member_save, name="member_edit"),
    path("routing/members/<int:pk>/delete/", views.member_delete, name="member_delete"),
    path("routing/settings/", views.settings_save, name="settings"),
    path("routing/route/", views.route_again, name="route_again"),
    path("routing/waiting/", views.route_waiting_now, name="route_waiting"),
    path("routing/leads/<int:pk>/panel/", views.lead_panel, name="lead_panel"),
]
