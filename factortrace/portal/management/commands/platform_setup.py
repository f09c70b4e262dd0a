"""manage.py platform_setup [--demo] [--skip-factors]: everything `make run`/`make test` need.

Idempotent: migrates the public schema, the tenant template and every tenant; ensures plans,
the public tenant and its domain; loads the factor library; with --demo, the demo tenant,
its owner and sample data.
"""
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from factortrace.portal.demo import demo_ensure
from tenants.models import Domain, Tenant
from tenants.services import plans_ensure, template_schema_ensure


class Command(BaseCommand):
    help = "Migrate all schemas and create the public tenant (and the demo tenant with --demo)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="create or refresh the demo tenant")
        parser.add_argument("--skip-factors", action="store_true", help="do not load the factor library")

    def step(self, label, func, *args, **kwargs):
        started = time.perf_counter()
        result = func(*args, **kwargs)
        self.stdout.write(f"  {label:<42} {time.perf_counter() - started:6.1f} s")
        return result

    def handle(self, *args, **options):
        self.stdout.write("Setting up FactorTrace")
        self.step("migrate public schema", call_command, "migrate_schemas", shared=True, interactive=False,
                  verbosity=0)
        self.step("plans", plans_ensure)
        self.step("public tenant", public_tenant_ensure)
        self.step("tenant template schema", template_schema_ensure)
        self.step("migrate tenant schemas", call_command, "migrate_schemas", tenant=True, interactive=False,
                  verbosity=0)
        if not options["skip_factors"]:
            self.step("emission factor library", call_command, "load_factors", verbosity=0)
        if options["demo"]:
            self.step("demo tenant and sample data", demo_ensure)
        connection.set_schema_to_public()


def public_tenant_ensure() -> Tenant:
    tenant = Tenant.objects.filter(schema_name="public").first()
    if tenant is None:
        # The public tenant is the platform itself; it bypasses slug validation on purpose.
        tenant = Tenant(schema_name="public", name="FactorTrace", slug="public", country="BE")
        tenant.save()
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True})
    return tenant
