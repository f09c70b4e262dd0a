from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "factortrace.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from django.db.models.signals import post_delete  # noqa: PLC0415

        from .keys import revoke_keys_of_ended_membership  # noqa: PLC0415

        # A member's keys end with the membership, however it is deleted (members page, admin,
        # the user's deletion).
        post_delete.connect(revoke_keys_of_ended_membership, sender="tenants.Membership",
                            dispatch_uid="api.revoke_keys_of_ended_membership")
