"""Forms of the user and team pages. They parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Role, Team, User


def _team_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"),
                                  required=False, empty_label=_("— No team —"))


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("— Language of the browser —")), *((code, _(name)) for code, name in settings.LANGUAGES)]


class UserFilterForm(forms.Form):
    search = forms.CharField(label=_("Search"), required=False, max_length=150,
                             widget=forms.SearchInput(attrs={
                                 "placeholder": _("Username, name or email"), "autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("Any role")), *Role.choices])
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"),
                                  required=False, empty_label=_("Any team"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))])


class UserForm(forms.Form):
    """Who the person is and what they may do (used to add and to edit)."""

    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(
        attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False,
                             help_text=_("Needed to reset the password by email."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.REP)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 help_text=_("The language of the emails Imbuto sends them."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"] = _team_field()
        self.fields["language"].choices = _language_choices()


PASSWORD_CHOICES = [
    ("email", _("Email them a link to choose their password")),
    ("set", _("Set a password now and tell them")),
    ("none", _("No password (API tokens only)")),
]


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(label=_("New password"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("New password again"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def password_pair(self, required: bool = True) -> str:
        """The new password when both fields agree (the validators run in the service)."""
        first, second = self.cleaned_data.get("password1", ""), self.cleaned_data.get("password2", "")
        if required and not first:
            self.add_error("password1", _("This field is required."))
        elif first != second:
            self.add_error("password2", _("The two passwords differ."))
        return first


class UserAddForm(PasswordPairMixin, UserForm):
    password_mode = forms.ChoiceField(label=_("Password"), choices=PASSWORD_CHOICES, initial="email",
                                      widget=forms.RadioSelect)

    def clean_username(self) -> str:
        """Told at once, with the other field errors (the service checks again when saving)."""
        from .services import username_taken

        username = self.cleaned_data["username"].strip()
        if username_taken(username):
            raise forms.ValidationError(_("A user with this username already exists."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        mode = data.get("password_mode")
        if mode == "email" and not data.get("email"):
            self.add_error("email", _("An email address is needed to send the link."))
        if mode == "set":
            self.password_pair()
        return data


class SetPasswordForm(PasswordPairMixin):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.password_pair()
        return data


class ChangePasswordForm(PasswordPairMixin):
    current_password = forms.CharField(label=_("Current password"), strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["current_password", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.password_pair()
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)


def user_initial(user: User) -> dict[str, Any]:
    return {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "role": user.effective_role, "team": user.team_id,
            "language": user.language}


class ResetSetPasswordForm(DjangoSetPasswordForm):
    """Django's form for the emailed link (its validators run, messages in the reader's language)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")


def _django_strings_missing_from_its_italian_catalogue() -> None:  # pragma: no cover - never called
    """Django 6.1 rewrote the minimum-length message (%d) and its Italian catalogue still has the old
    msgid; written here so that makemessages puts it in ours (LOCALE_PATHS come first)."""
    ngettext("This password is too short. It must contain at least %d character.",
             "This password is too short. It must contain at least %d characters.", 8)
