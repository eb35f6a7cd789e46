from django.urls import path

from . import views, views_edit, views_settings

app_name = "deals"

urlpatterns = [
    path("deals/", views.deal_list, name="list"),
    path("deals/board/", views.board, name="board"),
    path("deals/board/cards/", views.board_cards, name="board_cards"),
    path("deals/<int:pk>/", views.deal_detail, name="detail"),
    path("deals/<int:pk>/edit/", views_edit.deal_edit, name="edit"),
    path("deals/<int:pk>/move/", views.move, name="move"),
    path("leads/<int:pk>/convert/", views.convert, name="convert"),
    path("deals/settings/", views_settings.settings_page, name="settings"),
    path("deals/settings/pipelines/", views_settings.pipeline_add, name="pipeline_add"),
    path("deals/settings/pipelines/<int:pipeline_id>/stages/", views_settings.stage_save, name="stage_save"),
    path("deals/settings/products/", views_settings.product_save, name="product_save"),
    path("deals/settings/recycling/", views_settings.recycling_save, name="recycling_save"),
]
