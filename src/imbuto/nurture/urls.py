from django.urls import path

from . import views, views_public

app_name = "nurture"

urlpatterns = [
    path("nurture/", views.sequence_list, name="sequences"),
    path("nurture/sequences/<int:pk>/", views.sequence_detail, name="sequence"),
    path("nurture/templates/", views.template_list, name="templates"),
    path("nurture/templates/new/", views.template_edit, name="template_new"),
    path("nurture/templates/<int:pk>/", views.template_edit, name="template"),
    path("nurture/enrolments/<int:pk>/stop/", views.enrolment_stop, name="stop"),
    path("leads/<int:pk>/nurture/", views.lead_enrol, name="enrol"),
    path("n/u/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
    path("n/o/<str:token>/", views_public.opened, name="open"),
    path("n/c/<str:token>/", views_public.clicked, name="click"),
]
