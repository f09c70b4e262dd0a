"""Writes of the shared GHG inventory: every change goes through here — one transaction, one audit
entry, and the period lock checked. Forms, the API, the admin and the importer call these; none
holds logic of its own. Regimes with records of their own in a period (CSRD's energy lines, a CBAM
declaration …) call :func:`check_unlocked` / :func:`check_periods_unlocked` in their services."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from factors.models import EmissionFactor
from factors.services import factor_snapshot, grid_electricity_factor, resolve_factor
from factortrace.audit.services import audited_delete, audited_restore, audited_save
from factortrace.core.errors import Conflict
from factortrace.core.units import UnitError, compatible, parse_unit
from regimes.base import writers

from .calculations import FactorValues, activity_emissions
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target


class PeriodLocked(Conflict):
    """A locked period refuses the write (API: 409)."""


def check_unlocked(period: ReportingPeriod) -> None:
    """Refuse when ``period`` is locked. Inside a transaction the period row is locked too
    (SELECT … FOR UPDATE), so a concurrent lock cannot slip between this check and the write."""
    if period is None:
        return
    if transaction.get_connection().in_atomic_block and period.pk:
        period = ReportingPeriod.all_objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        raise PeriodLocked(f"{period.name} is locked; unlock it before changing its data.")


def check_periods_unlocked(instance) -> None:
    """The record's period and, for an existing record, the period it is stored in: moving a line
    out of (or into) a locked period is a change of that period."""
    check_unlocked(instance.period)
    if instance.pk:
        stored = type(instance).all_objects.filter(pk=instance.pk).values_list("period_id", flat=True).first()
        if stored and stored != instance.period_id:
            check_unlocked(ReportingPeriod.all_objects.get(pk=stored))


def factor_fit_problem(*, activity_scope: str, energy_type: str, unit: str, factor_scope: str,
                       outside_of_scopes: bool, grid_electricity: bool, factor_label: str,
                       factor_unit: str = "") -> tuple[str, str] | None:
    """Why a factor cannot calculate an activity, as (field, message); None when it can. One rule
    set for the form, the API and the importer:

    - biogenic CO2 reported outside of scopes is never an activity's factor (GHG Protocol);
    - a library factor of another scope is refused (a WTT or T&D factor is Scope 3);
    - Scope 2 quantities are energy, and Scope 2 electricity is calculated with the grid average
      of the facility's region — location-based by definition (Scope 2 Guidance §6.2); supplier
      rates and certificates are contractual instruments, used for market-based;
    - energy in kWh/MWh/GJ against a factor on a stated calorific-value basis must state its own
      basis: gross and net differ by ~10 % for natural gas, and a silent guess is a wrong figure.
    """
    if outside_of_scopes:
        return "factor", f"{factor_label} is biogenic CO2 reported outside of scopes; it is never an activity's factor"
    if factor_scope and factor_scope != activity_scope:
        return "factor", f"{factor_label} is a Scope {factor_scope} factor; this activity is Scope {activity_scope}"
    if activity_scope == "2":
        if not compatible(unit, "kWh"):
            return "unit", (f"Scope 2 quantities are purchased energy (kWh, MWh, GJ …), not '{unit}'; spend on "
                            "energy belongs to Scope 3 (category 3 or 1)")
        if energy_type == ActivityRecord.EnergyType.ELECTRICITY and not grid_electricity:
            return "factor", (f"{factor_label} is not a grid electricity factor: Scope 2 electricity is calculated "
                              "location-based with the grid average of the facility's region; enter supplier rates "
                              "and certificates as contractual instruments (market-based)")
    if factor_unit and _cv_basis(factor_unit) and not _cv_basis(unit) and compatible(unit, "kWh"):
        return "unit", (f"'{unit}' does not say whether it is gross or net calorific value, and {factor_label} is "
                        f"per {factor_unit}: write '{unit} (Gross CV)' or '{unit} (Net CV)' (bills usually state "
                        "gross)")
    return None


def _cv_basis(unit: str) -> str | None:
    try:
        return parse_unit(unit).cv_basis
    except UnitError:
        return None


# ---------------------------------------------------------------- periods
def period_save(*, period: ReportingPeriod, actor) -> ReportingPeriod:
    if period.pk:
        stored = ReportingPeriod.all_objects.get(pk=period.pk)
        check_unlocked(stored)
    period.full_clean()
    return audited_save(period, actor=actor)


def period_set_status(*, period: ReportingPeriod, status: str, actor) -> ReportingPeriod:
    """Lock (no more edits of the period's data) or unlock a period. Locking also freezes the
    market-based Scope 2 result, whose inputs (residual mixes) live outside the period."""
    from .selectors import scope2_frozen_snapshot  # noqa: PLC0415 — selectors import models only

    if status not in ReportingPeriod.Status.values:
        raise ValidationError(f"Unknown status {status!r}")
    with transaction.atomic():
        period = ReportingPeriod.all_objects.select_for_update().get(pk=period.pk)
        if period.status == status:
            return period
        if status == ReportingPeriod.Status.LOCKED:
            period.scope2_frozen = scope2_frozen_snapshot(period)
        else:
            period.scope2_frozen = None
        period.status = status
        return audited_save(period, actor=actor,
                            verb="locked" if status == ReportingPeriod.Status.LOCKED else "unlocked")


def live_dependents(instance) -> list[str]:
    """Names (plural) of the kinds of live record that point at ``instance`` — in this app or in any
    regime (a foreign key to a period or facility), so deleting it would orphan them. Found from the
    model's relations: the inventory never needs to know which regimes use it."""
    names = []
    for relation in type(instance)._meta.related_objects:
        if relation.one_to_many and relation.related_model._default_manager.filter(
                **{relation.field.name: instance}).exists():
            names.append(str(relation.related_model._meta.verbose_name_plural))
    return names


def period_delete(*, period: ReportingPeriod, actor) -> None:
    with transaction.atomic():
        check_unlocked(period)
        if dependents := live_dependents(period):
            raise ValidationError(f"{period.name} has {', '.join(dependents)}; delete them first.")
        audited_delete(period, actor=actor)


# ---------------------------------------------------------------- facilities
BOUNDARY_FIELDS = ("country", "grid_region", "consolidation", "equity_share")


def facility_save(*, facility: Facility, actor) -> Facility:
    """Save a facility. Its boundary (country, grid region, consolidation, equity share) cannot
    change while it has lines in a locked period: the locked figures were made with the old one."""
    facility.full_clean()
    with transaction.atomic():
        if facility.pk:
            stored = Facility.all_objects.get(pk=facility.pk)
            changed = [f for f in BOUNDARY_FIELDS if getattr(stored, f) != getattr(facility, f)]
            locked = ReportingPeriod.objects.filter(status=ReportingPeriod.Status.LOCKED).filter(
                models.Q(activities__facility=facility) | models.Q(instruments__facility=facility)).distinct()
            if changed and locked.exists():
                names = ", ".join(p.name for p in locked)
                raise ValidationError({changed[0]: f"{facility.name} has data in locked {names}; its "
                                                   f"{', '.join(changed)} cannot change (add a new facility, or "
                                                   "unlock the period)."})
        return audited_save(facility, actor=actor)


def facility_delete(*, facility: Facility, actor) -> None:
    if dependents := live_dependents(facility):
        raise ValidationError(f"{facility.name} has {', '.join(dependents)}; move or delete them first.")
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
    activity.share_pct = share  # kept: a later change of the facility's boundary does not move this result
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
    check_periods_unlocked(activity)
    try:
        parse_unit(activity.unit)
    except UnitError as exc:
        raise ValidationError({"unit": str(exc)}) from exc
    activity.full_clean(exclude=["factor_snapshot", "emissions_kg"])
    previous = ActivityRecord.all_objects.filter(pk=activity.pk).values("factor_id", "custom_factor_id").first() \
        if activity.pk else None
    if activity.used_factor is None:
        resolution = resolve_activity_factor(activity, keywords=keywords)
        if not resolution.found:
            raise ValidationError({"factor": resolution.reason})
        _assign_factor(activity, resolution.factor)
        activity.factor_reason = resolution.reason
    factor = activity.used_factor
    problem = factor_fit_problem(
        activity_scope=activity.scope, energy_type=activity.energy_type, unit=activity.unit,
        factor_scope=getattr(factor, "scope", "") or "", outside_of_scopes=getattr(factor, "outside_of_scopes", False),
        grid_electricity=getattr(factor, "grid_electricity", False), factor_label=str(factor),
        factor_unit=getattr(factor, "unit", ""))
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    changed = previous is None or (previous["factor_id"], previous["custom_factor_id"]) != (
        activity.factor_id, activity.custom_factor_id)
    calculate(activity, refresh_snapshot=changed)
    with transaction.atomic():
        check_periods_unlocked(activity)
        return audited_save(activity, actor=actor)


def _assign_factor(activity: ActivityRecord, factor) -> None:
    if isinstance(factor, EmissionFactor):
        activity.factor, activity.custom_factor = factor, None
    else:
        activity.factor, activity.custom_factor = None, factor


def activity_delete(*, activity: ActivityRecord, actor) -> None:
    with transaction.atomic():
        check_unlocked(activity.period)
        audited_delete(activity, actor=actor)


# ---------------------------------------------------------------- instruments, targets
def instrument_save(*, instrument: ContractualInstrument, actor) -> ContractualInstrument:
    instrument.full_clean()
    with transaction.atomic():
        check_periods_unlocked(instrument)
        if instrument.kind == ContractualInstrument.Kind.SUPPLIER and ContractualInstrument.objects.filter(
                period_id=instrument.period_id, facility_id=instrument.facility_id,
                kind=ContractualInstrument.Kind.SUPPLIER).exclude(pk=instrument.pk).exists():
            raise ValidationError({"kind": f"{instrument.facility} already has a supplier-specific rate in "
                                           f"{instrument.period}; a site has one supplier rate for its remaining "
                                           "supply."})
        return audited_save(instrument, actor=actor)


def instrument_delete(*, instrument: ContractualInstrument, actor) -> None:
    with transaction.atomic():
        check_unlocked(instrument.period)
        audited_delete(instrument, actor=actor)


def target_save(*, target: Target, actor) -> Target:
    target.full_clean()
    return audited_save(target, actor=actor)


def target_delete(*, target: Target, actor) -> None:
    audited_delete(target, actor=actor)


def record_restore(*, instance, actor):
    """Restore a soft-deleted record with a period (admin); records of a locked period stay deleted."""
    with transaction.atomic():
        if hasattr(instance, "period_id"):
            check_unlocked(instance.period)
        return audited_restore(instance, actor=actor)


# ---------------------------------------------------------------- one entry point per verb
writers.register(ReportingPeriod, "period", period_save, period_delete)
writers.register(Facility, "facility", facility_save, facility_delete)
writers.register(ActivityRecord, "activity", activity_save, activity_delete)
writers.register(ContractualInstrument, "instrument", instrument_save, instrument_delete)
writers.register(Target, "target", target_save, target_delete)
