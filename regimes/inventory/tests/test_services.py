"""The inventory's write services take explicit inputs: the fields they name, as validated data.
They refuse any other key, and an update starts from the stored row — whatever the caller did to
its own copy of the record is neither checked nor saved."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from factors.custom.services import custom_factor_create
from factors.models import EmissionFactor
from factortrace.audit.models import AuditEntry
from factortrace.audit.services import object_type_of
from regimes.base import writers
from regimes.inventory import services
from regimes.inventory.models import ActivityRecord, Facility, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(tenant_a, people, in_tenant, factor_library):
    """FY2024 (locked, one activity) and FY2025 (draft) at one facility, written as the officer."""
    with in_tenant(tenant_a):
        actor = people["officer"]
        fy24, fy25 = (services.period_create(actor=actor, data={
            "name": f"FY{year}", "year": year, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)})
            for year in (2024, 2025))
        leeds = services.facility_create(actor=actor, data={"name": "Leeds", "country": "GB"})
        gas = services.activity_create(actor=actor, data={
            "period": fy24, "facility": leeds, "scope": "1", "scope1_type": "stationary", "description": "Boilers",
            "quantity": D("1000"), "unit": "kWh (Gross CV)", "factor": desnz_2024("1_100_1004_6_1")})
        services.period_set_status(period=fy24, status=ReportingPeriod.Status.LOCKED, actor=people["owner"])
        yield {"actor": actor, "fy24": fy24, "fy25": fy25, "leeds": leeds, "gas": gas}


def desnz_2024(external_id: str) -> EmissionFactor:
    return EmissionFactor.objects.get(source__code="desnz-2024", external_id=external_id)


def entries(record) -> list[str]:
    return list(AuditEntry.objects.filter(object_type=object_type_of(record), object_id=str(record.pk))
                .order_by("sequence").values_list("action", flat=True))


@pytest.mark.parametrize("call, key", [
    (lambda b: services.facility_create(actor=b["actor"], data={"name": "Ohio", "country": "US", "pk": 7}), "pk"),
    (lambda b: services.period_update(period=b["fy25"], actor=b["actor"], data={"status": "locked"}), "status"),
    (lambda b: services.activity_update(activity=b["gas"], actor=b["actor"], data={"emissions_kg": D(0)}),
     "emissions_kg"),
    (lambda b: services.instrument_create(actor=b["actor"], data={"period": b["fy25"], "colour": "green"}), "colour"),
    (lambda b: services.target_create(actor=b["actor"], data={"name": "x", "created_by": b["actor"]}), "created_by"),
    (lambda b: custom_factor_create(actor=b["actor"], data={"activity": "x", "deleted_at": None}), "deleted_at"),
])
def test_a_service_refuses_a_key_it_does_not_take_by_name(books, call, key):
    with pytest.raises(TypeError, match=f"does not take '{key}'"):
        call(books)


def test_a_locked_period_cannot_be_unlocked_by_handing_over_a_changed_instance(books):
    period = ReportingPeriod.objects.get(pk=books["fy24"].pk)
    period.status = ReportingPeriod.Status.DRAFT  # the caller's copy says "draft"; the stored row is locked
    with pytest.raises(services.PeriodLocked, match="FY2024 is locked"):
        services.period_update(period=period, actor=books["actor"], data={"methodology": "Changed"})
    with pytest.raises(services.PeriodLocked):
        services.activity_update(activity=books["gas"], actor=books["actor"], data={"quantity": D("2")})
    stored = ReportingPeriod.objects.get(pk=period.pk)
    assert stored.is_locked and stored.methodology == ""
    assert entries(stored) == ["inventory.period.created", "inventory.period.locked"]


def test_an_update_reads_the_stored_record_not_the_callers_copy(books):
    gas = ActivityRecord.objects.get(pk=books["gas"].pk)
    gas.period = books["fy25"]  # moved on the copy only: the stored line is in locked FY2024
    with pytest.raises(services.PeriodLocked, match="FY2024 is locked"):
        services.activity_update(activity=gas, actor=books["actor"], data={"description": "Moved?"})
    leeds = Facility.objects.get(pk=books["leeds"].pk)
    leeds.equity_share, leeds.code = D("10"), "SNEAKED"  # neither is in the data: neither is saved
    saved = services.facility_update(facility=leeds, actor=books["actor"], data={"name": "Leeds plant"})
    stored = Facility.objects.get(pk=leeds.pk)
    assert (saved.name, stored.name, stored.code, stored.equity_share) == ("Leeds plant", "Leeds plant", "", D(100))
    entry = AuditEntry.objects.filter(action="inventory.facility.updated", object_id=str(leeds.pk)).get()
    assert (entry.before["name"], entry.after["name"], entry.after["code"]) == ("Leeds", "Leeds plant", "")


def test_an_update_takes_an_id_and_moves_a_line_between_draft_periods_once_audited(books):
    fy26 = services.period_create(actor=books["actor"], data={
        "name": "FY2026", "year": 2026, "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)})
    line = services.activity_create(actor=books["actor"], data={
        "period": books["fy25"], "facility": books["leeds"], "scope": "2", "energy_type": "electricity",
        "description": "Grid", "quantity": D("100"), "unit": "kWh"})
    moved = services.activity_update(activity=line.pk, actor=books["actor"], data={"period": fy26})
    assert moved.period_id == fy26.pk and moved.factor_snapshot == line.factor_snapshot
    assert entries(moved) == ["inventory.activity.created", "inventory.activity.updated"]


def test_the_factor_input_is_read_in_one_place(books):
    """Keywords choose anew; a factor given keeps its stated reason, or the stored one when it is the
    same; a factor and keywords together are refused naming both."""
    actor, line = books["actor"], services.activity_create(actor=books["actor"], data={
        "period": books["fy25"], "facility": books["leeds"], "scope": "1", "scope1_type": "stationary",
        "description": "Boilers", "quantity": D("1000"), "unit": "kWh (Gross CV)",
        "factor": desnz_2024("1_100_1004_6_1"), "factor_reason": "Our gas supplier's bill"})
    same = services.activity_update(activity=line, actor=actor, data={"factor": desnz_2024("1_100_1004_6_1")})
    assert same.factor_reason == "Our gas supplier's bill"
    diesel = services.activity_update(activity=line, actor=actor, data={"factor_keywords": "diesel average biofuel",
                                                                         "unit": "litres"})
    assert diesel.factor.unit == "litres" and diesel.factor_reason != "Our gas supplier's bill"
    gas = services.activity_update(activity=line, actor=actor, data={"factor": desnz_2024("1_100_1004_6_1"),
                                                                      "unit": "kWh (Gross CV)"})
    assert gas.factor_reason.startswith("Chosen by the user: DESNZ") and gas.emissions_kg == D("182.9")
    with pytest.raises(ValidationError) as refused:
        services.activity_update(activity=line, actor=actor, data={"factor": desnz_2024("1_100_1004_6_1"),
                                                                   "factor_keywords": "diesel"})
    assert set(refused.value.message_dict) == {"factor", "factor_keywords"}


def test_writers_dispatch_each_verb_to_the_registered_service(books):
    created = writers.record_create(Facility, books["actor"], {"name": "Ohio", "country": "US",
                                                               "grid_region": "RFCW"})
    updated = writers.record_update(created, books["actor"], {"code": "OH1"})
    writers.record_delete(updated, books["actor"])
    assert entries(created) == ["inventory.facility.created", "inventory.facility.updated",
                                "inventory.facility.deleted"]
    with pytest.raises(LookupError, match="No service writes AuditEntry"):
        writers.record_create(AuditEntry, books["actor"], {})
