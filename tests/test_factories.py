"""The factories make only rows the application could have made: through the services, with
the numbers calculated there, audited, and refused when the services would refuse them."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_exists

from factortrace.audit.models import AuditEntry
from tests.factories import (
    ActivityRecordFactory,
    FacilityFactory,
    ImportJobFactory,
    InvitationFactory,
    MembershipFactory,
    ReportingPeriodFactory,
    TenantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_factory_tenant_is_provisioned_like_a_signed_up_one(tenancy, client_for, in_tenant):
    owner = UserFactory(email="owner@gamma.example")
    gamma = TenantFactory(slug="gamma-steel", name="Gamma Steel", owner=owner)
    assert schema_exists("gamma_steel") and gamma.get_primary_domain().domain == "gamma-steel.localhost"
    officer = MembershipFactory(tenant=gamma, role="officer").user
    with in_tenant(gamma):
        assert list(AuditEntry.objects.order_by("sequence").values_list("action", "actor_email")) == [
            ("tenants.tenant.created", "owner@gamma.example"), ("tenants.membership.added", "owner@gamma.example"),
            ("tenants.membership.added", "owner@gamma.example")]
    assert client_for(officer, gamma).get("/inventory/periods/").status_code == 200


def test_a_factory_invitation_can_be_accepted_with_its_role(tenant_a, people, client_for):
    invitation = InvitationFactory(tenant=tenant_a, invited_by=people["admin"], role="auditor",
                                   email="new.auditor@example.org")
    invitee = UserFactory(email="new.auditor@example.org")
    client_for(invitee).post(invitation.accept_path)
    assert invitee.memberships.get(tenant=tenant_a).role == "auditor"


def test_activities_are_calculated_and_snapshotted_by_the_service(tenant_a, people, in_tenant, factor_library):
    with in_tenant(tenant_a):
        period = ReportingPeriodFactory(year=2025)
        leeds = FacilityFactory(name="Leeds", country="GB")
        gas = ActivityRecordFactory(period=period, facility=leeds, quantity=D("120000"))
        grid = ActivityRecordFactory(period=period, facility=leeds, electricity=True, quantity=D("1000"))
        # 120 000 kWh × 0.18296 kg CO2e/kWh (DESNZ 2025 natural gas, gross CV) = 21 955.2 kg
        assert gas.emissions_kg == D("21955.2") and gas.factor_snapshot["value"] == "0.18296"
        assert gas.factor_snapshot["source_code"] == "desnz-2025"
        # Scope 2 electricity: the grid factor of GB resolved by the service, 0.177 kg/kWh (DESNZ 2025)
        assert grid.factor.external_id == "7_400_4000_5_1" and grid.emissions_kg == D("177")
        assert AuditEntry.objects.filter(action="inventory.activity.created", object_id=str(gas.pk),
                                         actor=people["owner"]).exists()
        unsaved = ActivityRecordFactory.build(period=period, facility=leeds)
        assert unsaved.pk is None and unsaved.emissions_kg == 0


def test_a_factory_cannot_make_a_row_the_service_refuses(tenant_a, in_tenant, factor_library):
    with in_tenant(tenant_a):
        locked = ReportingPeriodFactory(locked=True)
        assert locked.is_locked and locked.scope2_frozen is not None
        with pytest.raises(ValidationError, match="Scope 1 factor"):
            ActivityRecordFactory(scope="2", scope1_type="", energy_type="electricity", unit="kWh")
        from regimes.inventory.services import PeriodLocked

        with pytest.raises(PeriodLocked):
            ActivityRecordFactory(period=locked)


def test_an_import_job_is_queued_through_the_upload_service(tenant_a, people, in_tenant):
    from factortrace.imports import import_run
    from factortrace.imports.tests.sample.models import Batch, Item

    with in_tenant(tenant_a):
        batch = Batch.objects.create(name="B1")
        job = ImportJobFactory(parameters={"batch": batch.pk}, requested_by=people["officer"])
        assert job.status == "queued" and job.size > 0 and len(job.sha256) == 64
        assert import_run(job.pk).status == "succeeded"
        assert Item.objects.filter(import_job=job).count() == 1
