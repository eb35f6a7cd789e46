"""Create a lead from a chat. When the bot did not collect a name, email, phone or company, the rep
gets a small form to type what the visitor said, then goes back to the chat (not a bare 422)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from imbuto.core import permissions
from imbuto.core.errors import DomainError, ValidationFailed
from imbuto.core.htmx import render_error
from imbuto.leads.selectors import lead_ref

from .capture import selectors, services


class ChatLeadForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100, required=False)
    email = forms.CharField(label=gettext_lazy("Email"), max_length=254, required=False,
                            widget=forms.EmailInput())
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=50, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    company_name = forms.CharField(label=gettext_lazy("Company"), max_length=200, required=False)


def _render(request: HttpRequest, session: Any, form: ChatLeadForm, status: int = 200) -> HttpResponse:
    return render(request, "intake/capture/chat_lead_form.html", {"session": session, "form": form},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def chat_lead(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        session = selectors.chat_session(request.user, public_id)
    except DomainError as exc:
        return render_error(request, exc, status=404)
    collected = {k: (session.answers or {}).get(k, "") for k in services.CHAT_DETAILS}
    if request.method == "GET":
        if not permissions.can(request.user, "create_lead", session):
            permissions.audit_denial(request.user, "create_lead", "intake.chatsession", session.pk)
            return render_error(request, status=403, message=_("You may not create leads from chats."))
        return _render(request, session, ChatLeadForm(initial=collected))
    typed = request.POST.get("typed") == "1"
    form = ChatLeadForm(request.POST if typed else None, initial=collected)
    if typed and not form.is_valid():
        return _render(request, session, form, 422)
    try:
        result = services.chat_create_lead(actor=request.user, session=session,
                                           details=form.cleaned_data if typed else None)
    except ValidationFailed as exc:
        if not typed:  # the bot collected nothing to identify the visitor: ask the rep
            form = ChatLeadForm({k: v or "" for k, v in collected.items()})
            form.is_valid()
        form.add_error(None, _("Type at least a name, an email, a phone or a company the visitor gave "
                               "in the conversation."))
        for name, errors in (exc.fields or {}).items():
            if name in form.fields:
                for error in errors:
                    form.add_error(name, str(error))
        return _render(request, session, form, 422)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    ref = lead_ref(request.user, result.lead_id)
    if ref is not None and not ref.visible:
        messages.info(request, _("This person is already a lead in someone else's care: the "
                                 "conversation was added to that lead."))
    else:
        messages.success(request, _("Lead created from the conversation."))
        if not typed:
            return redirect("leads:detail", pk=result.lead_id)
    # From the form, back to the chat the rep is answering (the lead is linked there).
    return redirect("intake:chat_detail", public_id=session.public_id)
