from django.apps import AppConfig


class CustomFactorsConfig(AppConfig):
    name = "factors.custom"
    label = "factors_custom"
    verbose_name = "Custom and supplier factors"

    def ready(self):
        # The shared library resolves through providers; this tenant app adds rungs 0 and 1.
        # Imported here because models cannot be imported while apps.py is.
        from factors.services import register_candidate_provider  # noqa: PLC0415 — app registry

        from .services import custom_candidates  # noqa: PLC0415 — app registry

        register_candidate_provider(custom_candidates)
