from django import forms

from factortrace.core.roles import GRANTABLE_BY, Role
from factortrace.core.validators import country_choices

from .models import Tenant


class TenantSignupForm(forms.ModelForm):
    country = forms.ChoiceField(choices=[("", "— choose —")] + country_choices())

    class Meta:
        model = Tenant
        fields = ["name", "slug", "legal_name", "country", "lei", "eori"]
        labels = {"name": "Organisation name", "slug": "Address"}
        help_texts = {"slug": "Lower-case letters, digits and hyphens; your workspace will be at <slug>.<domain>."}

    def clean_slug(self):
        return self.cleaned_data["slug"].strip().lower()


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, grantor_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = GRANTABLE_BY.get(grantor_role, [])
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]
        self.fields["role"].initial = Role.OFFICER


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
