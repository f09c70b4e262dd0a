"""Form rendering: every ``{{ form }}`` uses our field markup (label, help, errors, error state)."""
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
