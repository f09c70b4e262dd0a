"""Writes of the shared GHG inventory: every change goes through here — one transaction, one audit
entry, and the period lock checked. Forms, the API, the admin and the importer call these; none
holds logic of its own. Regimes with records of their own in a period (CSRD's energy lines, a CBAM
declaration …) call :func:`check_unlocked` / :func:`check_periods_unlocked` in their services.

Every model has ``<thing>_create(*, actor, data)``, ``<thing>_update(*, <thing>, actor, data)`` and
``<thing>_delete(*, <thing>, actor)`` (the contract of :mod:`regimes.base.writers`): ``data`` holds
validated values of the fields the service names (``*_FIELDS``); an update reads the stored row
under a row lock and checks locks against it, so a caller's changed copy of the record is never
what is checked or saved."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from factors.models import EmissionFactor
from factors.services import factor_snapshot, grid_electricity_factor, resolve_factor
from factortrace.audit.services import audited_delete, audited_restore, audited_save
from factortrace.core.errors import Conflict
from factortrace.core.inputs import accepted, assign, stored_for_update
from factortrace.core.units import UnitError, compatible, parse_unit
from regimes.base import writers

from .calculations import FactorValues, activity_emissions
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target


class PeriodLocked(Conflict):
    """A locked period refuses the write (API: 409)."""


def check_unlocked(period: ReportingPeriod | int | None) -> None:
    """Refuse when ``period`` (an instance or an id) is locked, as stored. Inside a transaction the
    period row is locked too (SELECT … FOR UPDATE), so a concurrent lock cannot slip between this
    check and the write."""
    if period is None:
        return
    pk = period if isinstance(period, int) else period.pk
    if pk and (transaction.get_connection().in_atomic_block or isinstance(period, int)):
        manager = ReportingPeriod.all_objects
        period = (manager.select_for_update() if transaction.get_connection().in_atomic_block else manager).get(pk=pk)
    if period.is_locked:
        raise PeriodLocked(f"{period.name} is locked; unlock it before changing its data.")


def check_periods_unlocked(record, *, stored_period_id: int | None = None) -> None:
    """The period ``record`` is written into and, for an update, the one it is stored in
    (``stored_period_id``, read from the stored row): moving a line out of (or into) a locked period
    is a change of that period."""
    for period_id in dict.fromkeys([stored_period_id, record.period_id]):
        check_unlocked(period_id)


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
PERIOD_FIELDS = ("name", "year", "start", "end", "currency", "net_revenue", "high_climate_impact_revenue",
                 "standard", "methodology")  # not status: period_set_status locks and unlocks


def period_create(*, actor, data: Mapping[str, Any]) -> ReportingPeriod:
    period = ReportingPeriod()
    assign(period, accepted(data, PERIOD_FIELDS, service="period_create"))
    period.full_clean()
    return audited_save(period, actor=actor)


def period_update(*, period: ReportingPeriod | int, actor, data: Mapping[str, Any]) -> ReportingPeriod:
    """Change a draft period; a locked one (as stored) refuses every change until it is unlocked."""
    data = accepted(data, PERIOD_FIELDS, service="period_update")
    with transaction.atomic():
        period = stored_for_update(ReportingPeriod, period)
        check_unlocked(period)
        assign(period, data)
        period.full_clean()
        return audited_save(period, actor=actor)


def period_set_status(*, period: ReportingPeriod | int, status: str, actor) -> ReportingPeriod:
    """Lock (no more edits of the period's data) or unlock a period. Locking also freezes the
    market-based Scope 2 result, whose inputs (residual mixes) live outside the period."""
    from .selectors import scope2_frozen_snapshot  # noqa: PLC0415 — selectors import models only

    if status not in ReportingPeriod.Status.values:
        raise ValidationError(f"Unknown status {status!r}")
    with transaction.atomic():
        period = stored_for_update(ReportingPeriod, period)
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


def period_delete(*, period: ReportingPeriod | int, actor) -> None:
    with transaction.atomic():
        period = stored_for_update(ReportingPeriod, period)
        check_unlocked(period)
        if dependents := live_dependents(period):
            raise ValidationError(f"{period.name} has {', '.join(dependents)}; delete them first.")
        audited_delete(period, actor=actor)


# ---------------------------------------------------------------- facilities
FACILITY_FIELDS = ("name", "code", "country", "grid_region", "consolidation", "equity_share")
BOUNDARY_FIELDS = ("country", "grid_region", "consolidation", "equity_share")


def facility_create(*, actor, data: Mapping[str, Any]) -> Facility:
    facility = Facility()
    assign(facility, accepted(data, FACILITY_FIELDS, service="facility_create"))
    facility.full_clean()
    return audited_save(facility, actor=actor)


def facility_update(*, facility: Facility | int, actor, data: Mapping[str, Any]) -> Facility:
    """Change a facility. Its boundary (country, grid region, consolidation, equity share) cannot
    change while it has lines in a locked period: the locked figures were made with the old one."""
    data = accepted(data, FACILITY_FIELDS, service="facility_update")
    with transaction.atomic():
        facility = stored_for_update(Facility, facility)
        before = {name: getattr(facility, name) for name in BOUNDARY_FIELDS}
        assign(facility, data)
        facility.full_clean()
        changed = [name for name in BOUNDARY_FIELDS if before[name] != getattr(facility, name)]
        if changed:
            locked = ReportingPeriod.objects.filter(status=ReportingPeriod.Status.LOCKED).filter(
                models.Q(activities__facility=facility) | models.Q(instruments__facility=facility)).distinct()
            if locked.exists():
                names = ", ".join(p.name for p in locked)
                raise ValidationError({changed[0]: f"{facility.name} has data in locked {names}; its "
                                                   f"{', '.join(changed)} cannot change (add a new facility, or "
                                                   "unlock the period)."})
        return audited_save(facility, actor=actor)


def facility_delete(*, facility: Facility | int, actor) -> None:
    with transaction.atomic():
        facility = stored_for_update(Facility, facility)
        if dependents := live_dependents(facility):
            raise ValidationError(f"{facility.name} has {', '.join(dependents)}; move or delete them first.")
        audited_delete(facility, actor=actor)


# ---------------------------------------------------------------- activities
ACTIVITY_FIELDS = ("period", "facility", "scope", "scope1_type", "energy_type", "scope3_category", "description",
                   "quantity", "unit", "data_quality", "ets_regulated", "notes", "evidence")
# How the factor is chosen (see _apply_factor_input); the snapshot, the emissions and the share are calculated.
FACTOR_INPUTS = ("factor", "custom_factor", "factor_keywords", "factor_reason")


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


def activity_create(*, actor, data: Mapping[str, Any]) -> ActivityRecord:
    """Validate, resolve the factor when none is given, calculate and save with its audit entry.

    ``data``: the fields of ``ACTIVITY_FIELDS`` and the factor inputs of ``FACTOR_INPUTS``
    (:func:`_apply_factor_input`)."""
    data = accepted(data, ACTIVITY_FIELDS + FACTOR_INPUTS, service="activity_create")
    with transaction.atomic():
        return _activity_write(ActivityRecord(), data, actor=actor, stored=None)


def activity_update(*, activity: ActivityRecord | int, actor, data: Mapping[str, Any]) -> ActivityRecord:
    """Change a stored activity and calculate it again. The factor snapshot is refreshed only when
    the factor changes: editing a quantity keeps the factor values the record was first calculated
    with, so a later edition never changes it."""
    data = accepted(data, ACTIVITY_FIELDS + FACTOR_INPUTS, service="activity_update")
    with transaction.atomic():
        activity = stored_for_update(ActivityRecord, activity)
        stored = {"period_id": activity.period_id, "factor": (activity.factor_id, activity.custom_factor_id)}
        return _activity_write(activity, data, actor=actor, stored=stored)


def _activity_write(activity: ActivityRecord, data: dict, *, actor, stored: dict | None) -> ActivityRecord:
    factor_input = {name: data.pop(name) for name in FACTOR_INPUTS if name in data}
    assign(activity, data)
    check_periods_unlocked(activity, stored_period_id=stored and stored["period_id"])
    keywords = _apply_factor_input(activity, **factor_input)
    try:
        parse_unit(activity.unit)
    except UnitError as exc:
        raise ValidationError({"unit": str(exc)}) from exc
    activity.full_clean(exclude=["factor_snapshot", "emissions_kg"])
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
    calculate(activity, refresh_snapshot=stored is None or stored["factor"] != (
        activity.factor_id, activity.custom_factor_id))
    return audited_save(activity, actor=actor)


_KEEP = object()


def _apply_factor_input(activity: ActivityRecord, *, factor=_KEEP, custom_factor=_KEEP, factor_keywords: str = "",
                        factor_reason: str = "") -> str:
    """The one place an activity's factor input is read (screens, API, admin, demo); returns the
    keywords to resolve a factor with.

    - ``factor_keywords``: choose anew — the library resolves them and its reason is kept;
    - ``factor`` (library) or ``custom_factor``: this factor, the other kind cleared; ``factor_reason``
      says why — when it is empty, a factor the record already has keeps its reason;
    - neither: an update keeps its factor (``None`` given for both: resolve again) and takes a given
      ``factor_reason`` as the new explanation; a new record resolves a factor from its description
      (Scope 2 electricity: the grid factor of its region).
    """
    keywords = (factor_keywords or "").strip()
    chosen = [name for name, value in (("factor", factor), ("custom_factor", custom_factor))
              if value is not _KEEP and value is not None]
    if len(chosen) + bool(keywords) > 1:
        given = chosen + (["factor_keywords"] if keywords else [])
        raise ValidationError({name: "Give one of factor, custom_factor or factor_keywords, not several."
                               for name in given})
    if keywords:
        activity.factor = activity.custom_factor = None
        return keywords
    if chosen:
        new = factor if chosen == ["factor"] else custom_factor
        same = activity.used_factor == new and not (activity.factor_id and activity.custom_factor_id)
        _assign_factor(activity, new)
        reason = (factor_reason or "").strip()
        if reason or not same:
            activity.factor_reason = reason or f"Chosen by the user: {factor_label(new)}."
        return ""
    for name, value in (("factor", factor), ("custom_factor", custom_factor)):
        if value is None:  # given as None: cleared (nothing left: resolved again)
            setattr(activity, name, None)
    if (factor_reason or "").strip():  # a better explanation of the factor the record keeps
        activity.factor_reason = factor_reason.strip()
    return ""


def factor_label(factor) -> str:
    """A factor as people recognise it: publisher, ID and activity for a library factor."""
    source = getattr(factor, "source", None)
    if source is not None:
        return f"{source.label} {factor.external_id}, {factor.activity}"
    return str(factor)


def _assign_factor(activity: ActivityRecord, factor) -> None:
    if isinstance(factor, EmissionFactor):
        activity.factor, activity.custom_factor = factor, None
    else:
        activity.factor, activity.custom_factor = None, factor


def activity_delete(*, activity: ActivityRecord | int, actor) -> None:
    with transaction.atomic():
        activity = stored_for_update(ActivityRecord, activity)
        check_unlocked(activity.period_id)
        audited_delete(activity, actor=actor)


# ---------------------------------------------------------------- instruments, targets
INSTRUMENT_FIELDS = ("period", "facility", "kind", "description", "supplier", "quantity_mwh", "emission_rate",
                     "certificate_ids", "renewable")


def instrument_create(*, actor, data: Mapping[str, Any]) -> ContractualInstrument:
    data = accepted(data, INSTRUMENT_FIELDS, service="instrument_create")
    with transaction.atomic():
        return _instrument_write(ContractualInstrument(), data, actor=actor, stored_period_id=None)


def instrument_update(*, instrument: ContractualInstrument | int, actor,
                      data: Mapping[str, Any]) -> ContractualInstrument:
    data = accepted(data, INSTRUMENT_FIELDS, service="instrument_update")
    with transaction.atomic():
        instrument = stored_for_update(ContractualInstrument, instrument)
        return _instrument_write(instrument, data, actor=actor, stored_period_id=instrument.period_id)


def _instrument_write(instrument: ContractualInstrument, data: dict, *, actor,
                      stored_period_id: int | None) -> ContractualInstrument:
    assign(instrument, data)
    instrument.full_clean()
    check_periods_unlocked(instrument, stored_period_id=stored_period_id)
    if instrument.kind == ContractualInstrument.Kind.SUPPLIER and ContractualInstrument.objects.filter(
            period_id=instrument.period_id, facility_id=instrument.facility_id,
            kind=ContractualInstrument.Kind.SUPPLIER).exclude(pk=instrument.pk).exists():
        raise ValidationError({"kind": f"{instrument.facility} already has a supplier-specific rate in "
                                       f"{instrument.period}; a site has one supplier rate for its remaining "
                                       "supply."})
    return audited_save(instrument, actor=actor)


def instrument_delete(*, instrument: ContractualInstrument | int, actor) -> None:
    with transaction.atomic():
        instrument = stored_for_update(ContractualInstrument, instrument)
        check_unlocked(instrument.period_id)
        audited_delete(instrument, actor=actor)


TARGET_FIELDS = ("name", "kind", "covers_scope1", "covers_scope2", "scope2_method", "covers_scope3", "base_year",
                 "base_value", "target_year", "target_value", "science_based", "description")


def target_create(*, actor, data: Mapping[str, Any]) -> Target:
    target = Target()
    assign(target, accepted(data, TARGET_FIELDS, service="target_create"))
    target.full_clean()
    return audited_save(target, actor=actor)


def target_update(*, target: Target | int, actor, data: Mapping[str, Any]) -> Target:
    data = accepted(data, TARGET_FIELDS, service="target_update")
    with transaction.atomic():
        target = stored_for_update(Target, target)
        assign(target, data)
        target.full_clean()
        return audited_save(target, actor=actor)


def target_delete(*, target: Target | int, actor) -> None:
    with transaction.atomic():
        audited_delete(stored_for_update(Target, target), actor=actor)


def record_restore(*, instance, actor):
    """Restore a soft-deleted record (admin); records of a locked period stay deleted."""
    with transaction.atomic():
        instance = stored_for_update(type(instance), instance)
        if hasattr(instance, "period_id"):
            check_unlocked(instance.period_id)
        return audited_restore(instance, actor=actor)


# ---------------------------------------------------------------- one entry point per verb
writers.register(ReportingPeriod, "period", create=period_create, update=period_update, delete=period_delete)
writers.register(Facility, "facility", create=facility_create, update=facility_update, delete=facility_delete)
writers.register(ActivityRecord, "activity", create=activity_create, update=activity_update, delete=activity_delete)
writers.register(ContractualInstrument, "instrument", create=instrument_create, update=instrument_update,
                 delete=instrument_delete)
writers.register(Target, "target", create=target_create, update=target_update, delete=target_delete)
