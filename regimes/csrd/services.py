"""CSRD writes: every change goes through here — one transaction, one audit entry, and the
period lock checked. Forms, the API and the importer call these; none holds logic of its own."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from factortrace.audit.services import audited_delete, audited_save
from factortrace.core.units import UnitError, parse_unit
from factors.models import EmissionFactor
from factors.services import factor_snapshot, grid_electricity_factor, resolve_factor

from .calculations import FactorValues, activity_emissions
from .models import ActivityRecord, ContractualInstrument, EnergyConsumption, Facility, ReportingPeriod, Target


class PeriodLocked(ValidationError):
    pass


def check_unlocked(period: ReportingPeriod) -> None:
    if period is not None and period.is_locked:
        raise PeriodLocked(f"{period.name} is locked; unlock it before changing its data.")


# ---------------------------------------------------------------- periods
def period_save(*, period: ReportingPeriod, actor) -> ReportingPeriod:
    if period.pk:
        stored = ReportingPeriod.all_objects.get(pk=period.pk)
        check_unlocked(stored)
    period.full_clean()
    return audited_save(period, actor=actor)


def period_set_status(*, period: ReportingPeriod, status: str, actor) -> ReportingPeriod:
    """Lock (no more edits of the period's data) or unlock a period."""
    if status not in ReportingPeriod.Status.values:
        raise ValidationError(f"Unknown status {status!r}")
    if period.status == status:
        return period
    period.status = status
    return audited_save(period, actor=actor, verb="locked" if status == ReportingPeriod.Status.LOCKED else "unlocked")


def period_delete(*, period: ReportingPeriod, actor) -> None:
    check_unlocked(period)
    if period.activities.exists():
        raise ValidationError(f"{period.name} has activities; delete them first.")
    audited_delete(period, actor=actor)


# ---------------------------------------------------------------- facilities
def facility_save(*, facility: Facility, actor) -> Facility:
    facility.full_clean()
    return audited_save(facility, actor=actor)


def facility_delete(*, facility: Facility, actor) -> None:
    if facility.activities.exists() or facility.instruments.exists():
        raise ValidationError(f"{facility.name} has activities or instruments; move or delete them first.")
    audited_delete(facility, actor=actor)


# ---------------------------------------------------------------- activities
def resolve_activity_factor(activity: ActivityRecord, *, keywords: str = ""):
    """Choose the factor for an activity that has none: grid electricity for Scope 2
    electricity (location-based), else the library's resolution from ``keywords``."""
    year = activity.period.year
    if activity.scope == ActivityRecord.Scope.SCOPE_2 and activity.energy_type == ActivityRecord.EnergyType.ELECTRICITY:
        return grid_electricity_factor(region=activity.facility.electricity_region, year=year)
    query = keywords or activity.description
    return resolve_factor(keywords=query, unit=activity.unit, region=activity.facility.country, year=year,
                          scope=activity.scope)


def calculate(activity: ActivityRecord, *, refresh_snapshot: bool) -> None:
    """Fill the snapshot (when the factor changed) and the emissions from it."""
    factor = activity.used_factor
    if factor is None:
        raise ValidationError({"factor": "Choose an emission factor (search the library, or resolve one)."})
    if refresh_snapshot or not activity.factor_snapshot:
        activity.factor_snapshot = factor_snapshot(factor)
    share = activity.facility.equity_share if activity.facility.consolidation == Facility.Consolidation.EQUITY \
        else Decimal(100)
    try:
        result = activity_emissions(activity.quantity, activity.unit,
                                    FactorValues.from_snapshot(activity.factor_snapshot), share)
    except UnitError as exc:
        raise ValidationError({"unit": str(exc)}) from exc
    activity.emissions_kg = result.total_kg
    activity.co2_kg, activity.ch4_kg, activity.n2o_kg, activity.other_kg = (
        result.co2_kg, result.ch4_kg, result.n2o_kg, result.other_kg)


def activity_save(*, activity: ActivityRecord, actor, keywords: str = "") -> ActivityRecord:
    """Validate, resolve the factor when none is given, calculate and save with its audit entry.

    The factor snapshot is refreshed only when the factor changes: editing a quantity keeps the
    factor values the record was first calculated with, so a later edition never changes it.
    """
    check_unlocked(activity.period)
    try:
        parse_unit(activity.unit)
    except UnitError as exc:
        raise ValidationError({"unit": str(exc)}) from exc
    activity.full_clean(exclude=["factor_snapshot", "emissions_kg"])
    previous = ActivityRecord.all_objects.filter(pk=activity.pk).values("factor_id", "custom_factor_id", "period_id") \
        .first() if activity.pk else None
    if previous and previous["period_id"] != activity.period_id:
        check_unlocked(ReportingPeriod.all_objects.get(pk=previous["period_id"]))
    if activity.used_factor is None:
        resolution = resolve_activity_factor(activity, keywords=keywords)
        if not resolution.found:
            raise ValidationError({"factor": resolution.reason})
        _assign_factor(activity, resolution.factor)
        activity.factor_reason = resolution.reason
    changed = previous is None or (previous["factor_id"], previous["custom_factor_id"]) != (
        activity.factor_id, activity.custom_factor_id)
    calculate(activity, refresh_snapshot=changed)
    with transaction.atomic():
        return audited_save(activity, actor=actor)


def _assign_factor(activity: ActivityRecord, factor) -> None:
    if isinstance(factor, EmissionFactor):
        activity.factor, activity.custom_factor = factor, None
    else:
        activity.factor, activity.custom_factor = None, factor


def activity_delete(*, activity: ActivityRecord, actor) -> None:
    check_unlocked(activity.period)
    audited_delete(activity, actor=actor)


# ---------------------------------------------------------------- instruments, energy, targets
def instrument_save(*, instrument: ContractualInstrument, actor) -> ContractualInstrument:
    check_unlocked(instrument.period)
    instrument.full_clean()
    return audited_save(instrument, actor=actor)


def instrument_delete(*, instrument: ContractualInstrument, actor) -> None:
    check_unlocked(instrument.period)
    audited_delete(instrument, actor=actor)


def energy_save(*, energy: EnergyConsumption, actor) -> EnergyConsumption:
    check_unlocked(energy.period)
    energy.full_clean()
    return audited_save(energy, actor=actor)


def energy_delete(*, energy: EnergyConsumption, actor) -> None:
    check_unlocked(energy.period)
    audited_delete(energy, actor=actor)


def target_save(*, target: Target, actor) -> Target:
    target.full_clean()
    return audited_save(target, actor=actor)


def target_delete(*, target: Target, actor) -> None:
    audited_delete(target, actor=actor)
