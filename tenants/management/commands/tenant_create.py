"""manage.py tenant_create --slug acme --name "Acme GmbH" --country DE --owner ops@acme.example"""
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant (cloned from the template schema), its domain and its owner."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2")
        parser.add_argument("--legal-name", default="")
        parser.add_argument("--lei", default="")
        parser.add_argument("--eori", default="")
        parser.add_argument("--owner", required=True, help="owner's e-mail (created if new)")
        parser.add_argument("--password", default=None, help="password for a new owner (else unusable)")

    def handle(self, *args, **o):
        User = get_user_model()
        owner = User.objects.filter(email__iexact=o["owner"]).first()
        if owner is None:
            owner = User.objects.create_user(email=o["owner"], password=o["password"])
            if o["password"] is None:
                self.stdout.write("New owner has no password: use 'Forgot password' on the sign-in page.")
        started = time.perf_counter()
        try:
            tenant = tenant_create(name=o["name"], slug=o["slug"], country=o["country"],
                                   legal_name=o["legal_name"], lei=o["lei"], eori=o["eori"], owner=owner)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else " ".join(exc.messages)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Created {tenant.name} at {tenant.get_primary_domain()} (schema {tenant.schema_name}) "
            f"in {elapsed:.2f} s; owner {owner.email}"))
