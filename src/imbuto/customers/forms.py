"""The account page's customer forms (feedback, problem, resolution, referral); values are checked
again by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imbuto.core import permissions
from imbuto.deals.models import Deal
from imbuto.leads.models import Account, Contact

from .models import SCORE_MAX, SCORE_MIN
from .services import COMMENT_MAX

# No score is chosen beforehand: whoever records one picks it (a preselected 10 would be saved unread).
SCORES = [("", "—"), *((n, str(n)) for n in range(SCORE_MAX, SCORE_MIN - 1, -1))]


class AccountForm(forms.Form):
    """A form about one account: its contact (and deal) choices are the account's, as the user sees them."""

    contact = forms.ModelChoiceField(label=_("Contact person"), queryset=Contact.objects.none(),
                                     required=False)
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)

    def __init__(self, *args: Any, account: Account, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = permissions.restrict(  # type: ignore[attr-defined]
            user, Contact.objects.filter(account=account), "view").order_by("last_name", "first_name")
        if "deal" in self.fields:
            self.fields["deal"].queryset = permissions.restrict(  # type: ignore[attr-defined]
                user, Deal.objects.filter(account=account), "view").order_by("-created_at")


class FeedbackForm(AccountForm):
    score = forms.TypedChoiceField(label=_("Score (0-10)"), choices=SCORES, coerce=int,
                                   help_text=_("Would they recommend us? 9-10 promoter, 7-8 passive, "
                                               "0-6 detractor"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["score", "comment", "contact", "deal"]


class ProblemForm(AccountForm):
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=COMMENT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["title", "description", "contact", "deal"]


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=COMMENT_MAX,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(AccountForm):
    """Someone the customer referred; `contact` is the person who referred them."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    # typed by a person who can look again: a malformed address is refused, not kept with a flag as an
    # import's would be
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    company_name = forms.CharField(label=_("Company"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
    field_order = ["first_name", "last_name", "email", "phone", "company_name", "contact", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["deal"]
        self.fields["contact"].label = _("Referred by")

    def person(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k, "") for k in
                ("first_name", "last_name", "email", "phone", "company_name")}
