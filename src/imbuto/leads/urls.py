"""Web UI of leads, accounts (companies) and contacts. "/" redirects to the lead list."""

from django.urls import path

from . import views, views_accounts, views_lists, views_queue

app_name = "leads"

urlpatterns = [
    path("leads/", views.lead_list, name="list"),
    path("leads/new/", views.lead_create, name="create"),
    path("leads/unassigned/", views_queue.unassigned, name="unassigned"),
    path("leads/<int:pk>/assign/", views_queue.lead_assign_view, name="assign"),
    path("leads/export/", views_lists.lead_export, name="export"),
    path("leads/bulk/", views_lists.lead_bulk, name="bulk"),
    path("leads/views/", views_lists.view_save, name="view_save"),
    path("leads/views/<int:pk>/delete/", views_lists.view_delete, name="view_delete"),
    path("leads/<int:pk>/", views.lead_detail, name="detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="edit"),
    path("leads/<int:pk>/transition/", views.lead_transition, name="transition"),
    path("leads/<int:pk>/timeline/", views.lead_timeline, name="timeline"),
    path("accounts/", views_accounts.account_list, name="account_list"),
    path("accounts/<int:pk>/", views_accounts.account_detail, name="account_detail"),
    path("accounts/export/", views_lists.account_export, name="account_export"),
    path("contacts/export/", views_lists.contact_export, name="contact_export"),
    path("contacts/", views_accounts.contact_list, name="contact_list"),
    path("contacts/<int:pk>/", views_accounts.contact_detail, name="contact_detail"),
]
