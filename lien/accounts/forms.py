from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from lien.accounts.models import Role, Team, User


class RolesAndTeamsMixin(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Give the user at least one role.")},
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        self.fields["teams"].to_field_name = "public_id"


class InviteUserForm(RolesAndTeamsMixin):
    email = forms.EmailField(label=_("Email"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )

    field_order = ["full_name", "email", "language", "roles", "teams"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class UserForm(RolesAndTeamsMixin):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    field_order = ["full_name", "language", "roles", "teams", "version"]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class AcceptInvitationForm(SetPasswordForm):
    """Choose a password: at least 12 characters, long passphrases welcome."""
