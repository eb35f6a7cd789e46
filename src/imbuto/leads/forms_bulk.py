"""The bulk action form of the lead list: it parses; leads.bulk and the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.users.models import Team

from .assignment import assignable_users, may_queue
from .choices import DiscardReason, Stage
from .models import Campaign


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[
        ("", _("Choose an action")), ("assign", _("Assign")), ("transition", _("Move to stage")),
        ("add_to_campaign", _("Add to campaign")), ("discard", _("Discard"))])
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    to = forms.ChoiceField(label=_("Stage"), required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False, queryset=Campaign.objects.none(),
                                      empty_label="—")
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    all_matching = forms.BooleanField(required=False, label=_("All leads matching the filters"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        people = [(f"user:{u.pk}", str(u)) for u in assignable_users(user)]
        queues = [(f"team:{t.pk}", _("Unassigned, team %(team)s") % {"team": t.name})
                  for t in Team.objects.all() if may_queue(user, t)]
        self.fields["assignee"].choices = [("", "—")] + people + queues
        self.fields["to"].choices = [("", "—")] + [
            (s, label) for s, label in Stage.choices if s not in (Stage.DISCARDED, Stage.PARKED)]
        self.fields["campaign"].queryset = Campaign.objects.order_by("name")
        self.fields["reason"].choices = [("", _("Choose a reason"))] + list(DiscardReason.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ids = [int(v) for v in self.data.getlist("ids") if str(v).isascii() and str(v).isdigit()
               and len(str(v)) <= 18] if hasattr(self.data, "getlist") else []
        data["ids"] = ids
        if not data.get("all_matching") and not ids:
            raise forms.ValidationError(_("Tick the leads first, or choose all leads matching the filters."))
        needs = {"assign": "assignee", "transition": "to", "add_to_campaign": "campaign", "discard": "reason"}
        field = needs.get(data.get("action", ""))
        if field and not data.get(field):
            self.add_error(field, _("Required for this action."))
        return data

    def action_options(self) -> dict[str, Any]:
        """The keyword arguments of leads.bulk.leads_bulk."""
        from imbuto.users.models import User

        data = self.cleaned_data
        options: dict[str, Any] = {"action": data["action"], "to": data.get("to") or "",
                                   "reason": data.get("reason") or "", "campaign": data.get("campaign")}
        kind, _sep, pk = (data.get("assignee") or "").partition(":")
        if kind == "user":
            options["owner"] = User.objects.filter(pk=int(pk), is_active=True).select_related("team").first()
        elif kind == "team":
            options["team"] = Team.objects.filter(pk=int(pk)).first()
        return options
