"""Forms of the nurturing pages (the rules live in services: the forms only read typed values)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import merge
from .models import EmailTemplate, Engagement, Rule, Sequence, StepKind

# What each merge field (nurture.merge.FIELDS) stands for: the names are typed as they are, in English.
MERGE_LABELS = {
    "first_name": _("first name"), "last_name": _("last name"), "full_name": _("full name"),
    "company": _("company"), "job_title": _("job title"), "owner_name": _("the owner's name"),
    "owner_email": _("the owner's email"), "unsubscribe_url": _("unsubscribe link"),
}


class TemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["name", "subject", "body", "track"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ", ".join(format_html("<code>{}</code> ({})", f"{{{{ {name} }}}}", MERGE_LABELS[name])
                          for name in merge.FIELDS)
        self.fields["body"].help_text = format_html(gettext("Merge fields: {fields}."),
                                                    fields=mark_safe(names))  # noqa: S308

    def _post_clean(self) -> None:  # the service validates (once, for the UI and the API alike)
        pass


class SequenceForm(forms.ModelForm):
    class Meta:
        model = Sequence
        fields = ["name", "description", "rule", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self) -> None:
        pass


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=StepKind.choices)
    template = forms.ModelChoiceField(label=_("Template"), queryset=EmailTemplate.objects.all(),
                                      required=False)
    days = forms.IntegerField(label=_("Days"), min_value=0, max_value=365, required=False, initial=0)
    task_subject = forms.CharField(label=_("Task"), max_length=200, required=False)
    engagement = forms.ChoiceField(label=_("Engagement"), choices=[("", "—"), *Engagement.choices],
                                   required=False)
    jump_to = forms.IntegerField(label=_("Then go to step"), min_value=1, max_value=100, required=False)

    def step(self) -> dict[str, object]:
        data = self.cleaned_data
        template = data.get("template")
        return {"kind": data["kind"], "template_id": template.pk if template else None,
                "days": data.get("days") or 0, "task_subject": data.get("task_subject") or "",
                "engagement": data.get("engagement") or "", "jump_to": data.get("jump_to")}


RULE_CHOICES = Rule.choices
