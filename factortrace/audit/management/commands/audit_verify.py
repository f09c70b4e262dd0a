"""manage.py audit_verify [--tenant SLUG]: recompute each tenant's audit chain."""
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_tenant_model, tenant_context

from factortrace.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain of one tenant (or all) and name the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="tenant slug (default: every tenant)")

    def handle(self, *args, **options):
        tenants = get_tenant_model().objects.exclude(schema_name="public")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {options['tenant']!r}")
        broken = []
        for tenant in tenants.order_by("slug"):
            with tenant_context(tenant):
                result = verify_chain()
            if result.ok:
                self.stdout.write(f"{tenant.slug}: OK, {result.checked} entries verified")
            else:
                broken.append(tenant.slug)
                self.stdout.write(f"{tenant.slug}: BROKEN at entry #{result.first_broken} ({result.reason}); "
                                  f"{result.checked} entries before it verified")
        if broken:
            raise CommandError(f"Audit chain broken in: {', '.join(broken)}")
