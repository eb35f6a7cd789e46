"""Public capture endpoints (web form, chat widget) and the staff pages for forms and chats.
Included by intake/urls.py under the "intake" namespace, so no app_name here."""

from django.urls import path

from . import views_chat, views_chat_lead, views_public

urlpatterns = [
    # public, cross-origin, CSRF-exempt
    path("f/embed.js", views_public.embed_script, name="form_embed_js"),
    path("f/<slug:form_key>", views_public.public_form, name="public_form"),
    path("chat/widget.js", views_chat.widget_script, name="chat_widget_js"),
    path("chat/sessions", views_chat.chat_start, name="chat_start"),
    path("chat/sessions/<uuid:public_id>/messages", views_chat.chat_messages, name="chat_messages"),
    # staff
    path("forms/", views_public.form_list, name="form_list"),
    path("forms/new/", views_public.form_edit, name="form_create"),
    path("forms/<int:pk>/", views_public.form_edit, name="form_edit"),
    path("chats/", views_chat.chat_list, name="chat_list"),
    path("chats/sites/", views_chat.chat_sites, name="chat_sites"),
    path("chats/<uuid:public_id>/", views_chat.chat_detail, name="chat_detail"),
    path("chats/<uuid:public_id>/take-over", views_chat.chat_take_over, name="chat_take_over"),
    path("chats/<uuid:public_id>/send", views_chat.chat_send, name="chat_send"),
    path("chats/<uuid:public_id>/close", views_chat.chat_close, name="chat_close"),
    path("chats/<uuid:public_id>/lead", views_chat_lead.chat_lead, name="chat_lead"),
]
