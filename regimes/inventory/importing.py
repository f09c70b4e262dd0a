"""The inventory's activities importer: GHG inventory lines from CSV or XLSX into one reporting period.

Registered with the import framework (:mod:`factortrace.imports`); the rules are those of the
activity form and :func:`regimes.inventory.services.activity_create` — the same checks
(:func:`~regimes.inventory.services.factor_fit_problem`), the same factor resolution, the same
calculation (:func:`regimes.inventory.calculations.activity_emissions`) and the same factor
snapshot — applied to every row first, then all rows are committed together.

It does not call ``activity_create`` row by row: the rows are written by PostgreSQL ``COPY``
(:func:`factortrace.imports.copy_encoded`), one audit entry for the import job rather than one per
row, so a 100,000-row file takes seconds. A change of those rules must be made in both places;
``regimes/inventory/tests/test_importing.py`` compares them (the rows equal what the form saves).

Factors: ``<source code>:<publisher ID>`` (``desnz-2025:1_100_1004_6_1``), ``custom:<id>`` for a
tenant custom or supplier factor, or empty to resolve — Scope 2 electricity takes the grid
factor of the facility's region (location-based), other rows are resolved from
``factor_keywords`` or the description. Lookups, resolutions, snapshots and unit conversions
are cached per distinct key: a 100,000-row file typically needs a few dozen of each.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.urls import NoReverseMatch, reverse

from factors.custom.models import CustomFactor
from factors.models import EmissionFactor, FactorSource
from factors.services import factor_snapshot, grid_electricity_factor, resolve_factor
from factortrace.core.units import UNIT_CHOICES, UnitError, conversion_factor, parse_unit
from factortrace.imports import Column, Encoded, Importer, ImportFileError, JsonText, Row, copy_encoded, register

from .calculations import FactorValues, activity_emissions
from .models import ActivityRecord, Facility, ReportingPeriod
from .services import factor_fit_problem

MAX_KG = Decimal(10) ** 18  # emissions_kg is numeric(24, 6)
# The columns whose values decide a row's facility, scope rules, unit and factor (see Combination).
COMBINATION_COLUMNS = ("facility", "scope", "scope1_type", "energy_type", "scope3_category", "unit", "factor",
                       "factor_keywords", "data_quality", "ets_regulated")
MAX_COMBINATIONS = 50_000  # remembered per import; beyond that, rows are worked out one by one


def _choices(text_choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accepted spellings (value and label, any case) → stored value."""
    from factortrace.imports import normalise_choice  # noqa: PLC0415

    mapping = {}
    for value, label in text_choices.choices:
        mapping[normalise_choice(str(value))] = value
        mapping[normalise_choice(str(label))] = value
    for spelling, value in (extra or {}).items():
        mapping[normalise_choice(spelling)] = value
    return mapping


SCOPES = _choices(ActivityRecord.Scope, {"s1": "1", "s2": "2", "s3": "3", "scope1": "1", "scope2": "2",
                                         "scope3": "3"})
SCOPE1_TYPES = _choices(ActivityRecord.Scope1Type, {"stationary combustion": "stationary",
                                                    "mobile combustion": "mobile", "process emissions": "process",
                                                    "fugitive emissions": "fugitive"})
ENERGY_TYPES = _choices(ActivityRecord.EnergyType)
QUALITIES = _choices(ActivityRecord.Quality)
_CATEGORY = re.compile(r"^(?:cat(?:egory)?\.?\s*)?(\d{1,2})(?:\s*$|\s*[·:\-–—]\s*\S.*$|\s+[^\d\s.,].*$)",
                       re.IGNORECASE)

COLUMNS = (
    Column("facility", "Facility", "The facility's code or name, as on the Facilities page (codes first).",
           "LDS", required=True),
    Column("scope", "Scope", "1 (direct emissions), 2 (purchased energy) or 3 (value chain).", "1", required=True,
           choices=("1", "2", "3")),
    Column("scope1_type", "Scope 1 type", "Scope 1 rows only: stationary, mobile, process or fugitive.",
           "stationary", choices=tuple(ActivityRecord.Scope1Type.values)),
    Column("energy_type", "Energy type", "Scope 2 rows only: the purchased energy — electricity, heat, steam or "
           "cooling.", "", choices=tuple(ActivityRecord.EnergyType.values)),
    Column("scope3_category", "Scope 3 category", "Scope 3 rows only: the GHG Protocol category number, 1–15 "
           "(1 purchased goods and services, 4 upstream transport, 6 business travel, 7 commuting …).", "",
           choices=tuple(str(n) for n in range(1, 16))),
    Column("description", "Description", "What the activity is, at most 300 characters. Used to find the factor "
           "when neither factor nor factor_keywords is given.", "Natural gas, boilers", required=True),
    Column("quantity", "Quantity", "The amount, zero or more, in the unit of the next column, at most 6 decimals: "
           "1234.5 or 1234,5 (no units or currency signs in the cell).", "125000", required=True),
    Column("unit", "Unit", "The quantity's unit: kWh, kWh (Gross CV), MWh, GJ, therm, litres, m3, kg, tonnes, km, "
           "miles, passenger.km, tonne.km, room per night, EUR, USD, GBP …; it must convert to the factor's unit.",
           "kWh (Gross CV)", required=True),
    Column("factor", "Factor", "Optional. A library factor as <source code>:<publisher ID> (shown on each factor's "
           "page, e.g. desnz-2025:1_100_1004_6_1), custom:<id> for one of your custom or supplier factors, or "
           "empty to resolve one: Scope 2 electricity takes the grid factor of the facility's region, other rows "
           "are matched from factor_keywords or the description.", "desnz-2025:1_100_1004_6_1"),
    Column("factor_keywords", "Factor keywords", "Optional. Words to find the factor when the factor column is "
           "empty, e.g. 'diesel average biofuel blend'.", ""),
    Column("data_quality", "Data quality", "measured, calculated or estimated (empty: calculated).", "measured",
           choices=tuple(ActivityRecord.Quality.values)),
    Column("ets_regulated", "ETS regulated", "Scope 1 rows only: yes when the emissions fall under a regulated "
           "emission trading scheme such as the EU ETS (E1-6 §48(b)); empty: no.", "no", choices=("yes", "no")),
    Column("notes", "Notes", "Optional free text kept with the row.", ""),
)


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return f"{obj.name} (locked)" if obj.is_locked else obj.name


class ActivityImportParams(forms.Form):
    """The parameters of an activities import (upload page and API)."""

    period = PeriodChoiceField(queryset=ReportingPeriod.objects.all(), label="Reporting period",
                               empty_label=None, help_text="Every row of the file is added to this period.")

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period.is_locked:
            raise forms.ValidationError(f"{period.name} is locked; unlock it before importing into it.")
        return period


@dataclass(frozen=True)
class FactorChoice:
    """A factor as the rows use it: ids for the FKs, the snapshot (serialised once) and its values."""

    factor_id: int | None
    custom_factor_id: int | None
    scope: str
    unit: str
    label: str
    values: FactorValues
    snapshot: Encoded
    reason: Encoded
    outside_of_scopes: bool = False
    grid_electricity: bool = False


@dataclass
class Combination:
    """What a row's cells other than description, quantity and notes decide."""

    facility_id: int | None
    facility: Facility | None
    share: Decimal
    scope: str
    scope1_type: str
    energy_type: str
    category: int | None
    ets: bool
    unit: str
    quality: str
    keywords: str
    choice: FactorChoice | None = None
    errors: tuple[tuple[str, str], ...] = ()


@dataclass
class Context:
    period: ReportingPeriod
    facilities: dict[str, tuple[Facility, Decimal] | str]  # lower-case code or name → (facility, share) or problem
    facility_hint: str
    sources: dict[str, int]
    factors: dict[str, FactorChoice | str] = field(default_factory=dict)
    resolutions: dict[tuple, FactorChoice | str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # unit → "" (fine) or the problem
    conversions: dict[tuple[str, str], str] = field(default_factory=dict)
    combinations: dict[tuple, Combination] = field(default_factory=dict)
    used_facilities: set[int] = field(default_factory=set)
    emissions_kg: Decimal = Decimal(0)


def _snapshot_choice(factor, reason: str, label: str) -> FactorChoice:
    snapshot = factor_snapshot(factor)
    library = isinstance(factor, EmissionFactor)
    return FactorChoice(
        factor_id=factor.pk if library else None, custom_factor_id=None if library else factor.pk,
        scope=factor.scope or "", unit=factor.unit, label=label, values=FactorValues.from_snapshot(snapshot),
        # Escaped for COPY once here, not once per row (a snapshot is ~600 characters).
        snapshot=copy_encoded(JsonText(json.dumps(snapshot, ensure_ascii=False, sort_keys=True,
                                                  separators=(",", ":")))),
        reason=copy_encoded(reason), outside_of_scopes=getattr(factor, "outside_of_scopes", False),
        grid_electricity=getattr(factor, "grid_electricity", False))


class ActivityImporter(Importer):
    code = "inventory.activities"
    regime = "inventory"
    title = "GHG inventory activities"
    description = ("Scope 1, 2 and 3 activity data for one reporting period: each row is a quantity at a facility "
                   "with the factor to use (by ID, or resolved from the library). Emissions are calculated and the "
                   "factor's value is kept with every row.")
    columns = COLUMNS
    params_form = ActivityImportParams
    model = ActivityRecord
    fields = ("period_id", "facility_id", "scope", "scope1_type", "energy_type", "scope3_category", "description",
              "quantity", "unit", "factor_id", "custom_factor_id", "factor_snapshot", "factor_reason",
              "emissions_kg", "co2_kg", "ch4_kg", "n2o_kg", "other_kg", "share_pct", "ets_regulated", "data_quality",
              "evidence", "notes")
    audit_action = "inventory.import.committed"
    sheet_title = "Activities"

    # ------------------------------------------------------------ parameters
    def params_from_cleaned(self, cleaned: dict) -> dict:
        period = cleaned["period"]
        return {"period": period.pk, "period_name": period.name}

    def describe_params(self, params: dict) -> list[tuple[str, str]]:
        return [("Reporting period", params.get("period_name", ""))]

    # ------------------------------------------------------------ per job
    def prepare(self, job) -> Context:
        period = ReportingPeriod.objects.filter(pk=job.parameters.get("period")).first()
        if period is None:
            raise ImportFileError("The reporting period chosen for this import no longer exists.")
        if period.is_locked:
            raise ImportFileError(f"{period.name} is locked; unlock it before importing into it.")
        facilities: dict[str, tuple[Facility, Decimal] | str] = {}
        listed = list(Facility.objects.order_by("name"))
        by_code: dict[str, list[Facility]] = {}
        for facility in listed:
            if facility.code:
                by_code.setdefault(facility.code.strip().lower(), []).append(facility)
        for facility in listed:
            facilities[facility.name.strip().lower()] = (facility, _share(facility))
        for code, matches in by_code.items():  # codes win over names
            if len(matches) == 1:
                facilities[code] = (matches[0], _share(matches[0]))
            else:
                facilities[code] = (f"code '{matches[0].code}' is used by {len(matches)} facilities "
                                    f"({', '.join(f.name for f in matches)}); use the facility's name")
        hint = ", ".join(f"{f.code} ({f.name})" if f.code else f.name for f in listed[:12])
        hint = f"Your facilities: {hint}{' …' if len(listed) > 12 else ''}." if listed else \
            "There are no facilities yet: add them on the Facilities page first."
        sources = dict(FactorSource.objects.values_list("code", "id"))
        return Context(period=period, facilities=facilities, facility_hint=hint, sources=sources)

    def parse_row(self, row: Row, ctx: Context):
        cells = row.cells
        key = tuple([cells.get(column) for column in COMBINATION_COLUMNS])
        combination = ctx.combinations.get(key)
        if combination is None:
            combination = self._combination(row, ctx)
            if len(ctx.combinations) < MAX_COMBINATIONS:
                ctx.combinations[key] = combination
        else:
            for column, reason in combination.errors:
                row.error(column, reason)
        description = row.text("description", required=True, max_length=300)
        quantity = row.decimal("quantity", required=True, max_digits=24, decimal_places=6)
        if quantity is not None and quantity < 0:
            row.error("quantity", "is negative; quantities cannot be negative — record a correction as its own "
                                  "row with a note")
        notes = row.text("notes")
        if row.errors:
            return ()
        choice = combination.choice or self._by_description(row, ctx, combination, description)
        if choice is None:
            return ()
        result = activity_emissions(quantity, combination.unit, choice.values, combination.share)
        if result.total_kg >= MAX_KG:
            row.error("quantity", "gives emissions too large to store; check the quantity and its unit")
            return ()
        ctx.emissions_kg += result.total_kg
        return (ctx.period.pk, combination.facility_id, combination.scope, combination.scope1_type,
                combination.energy_type, combination.category, description, quantity, combination.unit,
                choice.factor_id, choice.custom_factor_id, choice.snapshot, choice.reason, result.total_kg,
                result.co2_kg, result.ch4_kg, result.n2o_kg, result.other_kg, combination.share, combination.ets,
                combination.quality, "", notes)

    def _combination(self, row: Row, ctx: Context) -> Combination:
        """Everything but description, quantity and notes: checked, looked up and resolved once for
        all the rows that repeat the same cells (the errors are replayed on each of them)."""
        first_error = len(row.errors)
        found = None
        facility_text = row.text("facility", required=True)
        if facility_text:
            found = ctx.facilities.get(facility_text.lower())
            if found is None:
                row.error("facility", f"unknown facility '{facility_text}': no facility has this code or name. "
                                      f"{ctx.facility_hint}")
            elif isinstance(found, str):
                row.error("facility", found)
                found = None
        scope = row.choice("scope", SCOPES, required=True, accepted="1, 2 or 3")
        scope1_type = row.choice("scope1_type", SCOPE1_TYPES, accepted="stationary, mobile, process or fugitive")
        energy_type = row.choice("energy_type", ENERGY_TYPES, accepted="electricity, heat, steam or cooling")
        category = _category(row)
        ets = row.boolean("ets_regulated")
        if scope == "1" and not scope1_type and not row.has("scope1_type"):
            row.error("scope1_type", "Scope 1 needs a type: stationary, mobile, process or fugitive")
        if scope in ("2", "3") and scope1_type:
            row.error("scope1_type", f"only Scope 1 rows have a Scope 1 type (this row is Scope {scope})")
        if scope in ("2", "3") and ets:
            row.error("ets_regulated", "only Scope 1 emissions can be under an emission trading scheme")
        if scope == "2" and not energy_type and not row.has("energy_type"):
            row.error("energy_type", "Scope 2 needs the purchased energy: electricity, heat, steam or cooling")
        if scope in ("1", "3") and energy_type:
            row.error("energy_type", f"only Scope 2 rows have an energy type (this row is Scope {scope})")
        if scope == "3" and category is None and not row.has("scope3_category"):
            row.error("scope3_category", "Scope 3 needs a GHG Protocol category (1–15)")
        if scope in ("1", "2") and category is not None:
            row.error("scope3_category", f"only Scope 3 rows have a category (this row is Scope {scope})")
        unit = row.text("unit", required=True, max_length=40)
        if unit:
            problem = ctx.units.get(unit)
            if problem is None:
                try:
                    parse_unit(unit)
                    problem = ""
                except UnitError as exc:
                    problem = f"{exc}; use a unit such as kWh, litres, kg, tonnes, km, passenger.km or EUR"
                ctx.units[unit] = problem
            if problem:
                row.error("unit", problem)
                unit = ""
        quality = row.choice("data_quality", QUALITIES, default=ActivityRecord.Quality.CALCULATED.value,
                             accepted="measured, calculated or estimated")
        keywords = row.text("factor_keywords", max_length=300)
        factor_text = row.text("factor", max_length=300)
        facility, share = found if found is not None else (None, Decimal(100))
        combination = Combination(
            facility_id=facility.pk if facility else None, facility=facility, share=share, scope=scope,
            scope1_type=scope1_type, energy_type=energy_type, category=category, ets=ets, unit=unit,
            quality=quality, keywords=keywords)
        if len(row.errors) == first_error and facility is not None and unit and scope:
            combination.choice = self._factor(row, ctx, factor_text, keywords, facility, scope, energy_type, unit)
            if combination.choice is not None:
                self._check_conversion(row, ctx, unit, combination.choice)
            ctx.used_facilities.add(facility.pk)
        combination.errors = tuple((error.column, error.reason) for error in row.errors[first_error:])
        return combination

    def _by_description(self, row: Row, ctx: Context, combination: Combination, description: str):
        """Rows with neither a factor nor factor keywords (and not grid electricity): the factor is
        resolved from each row's description (cached per distinct description)."""
        key = ("resolve", description.lower(), combination.unit, combination.facility.country, combination.scope)
        choice = ctx.resolutions.get(key)
        if choice is None:
            choice = ctx.resolutions[key] = self._resolve(key, ctx, description, combination.facility,
                                                          combination.scope, combination.unit)
        if isinstance(choice, str):
            row.error("factor", choice)
            return None
        if not self._fits(row, choice, combination.scope, combination.energy_type, combination.unit):
            return None
        if not self._check_conversion(row, ctx, combination.unit, choice):
            return None
        return choice

    @staticmethod
    def _check_conversion(row: Row, ctx: Context, unit: str, choice: FactorChoice) -> bool:
        conversion = ctx.conversions.get((unit, choice.unit))
        if conversion is None:
            try:
                conversion_factor(unit, choice.unit)
                conversion = ""
            except UnitError as exc:
                conversion = f"{exc}: the factor {choice.label} is per {choice.unit}"
            ctx.conversions[(unit, choice.unit)] = conversion
        if conversion:
            row.error("unit", conversion)
            return False
        return True

    def _factor(self, row: Row, ctx: Context, factor_text: str, keywords: str, facility: Facility, scope: str,
                energy_type: str, unit: str) -> FactorChoice | None:
        """The factor given by ID, or resolved from the keywords or by grid region; None (and no
        error) when it must be resolved from each row's description."""
        if factor_text:
            choice = ctx.factors.get(factor_text)
            if choice is None:
                choice = ctx.factors[factor_text] = self._lookup(factor_text, ctx)
            if isinstance(choice, str):
                row.error("factor", choice)
                return None
            return choice if self._fits(row, choice, scope, energy_type, unit) else None
        if scope == "2" and energy_type == ActivityRecord.EnergyType.ELECTRICITY:
            key = ("grid", facility.electricity_region)
        elif keywords:
            key = ("resolve", keywords.lower(), unit, facility.country, scope)
        else:
            return None
        choice = ctx.resolutions.get(key)
        if choice is None:
            choice = ctx.resolutions[key] = self._resolve(key, ctx, keywords, facility, scope, unit)
        if isinstance(choice, str):
            row.error("factor", choice)
            return None
        return choice if self._fits(row, choice, scope, energy_type, unit) else None

    @staticmethod
    def _fits(row: Row, choice: FactorChoice, scope: str, energy_type: str, unit: str) -> bool:
        """The same rules as the form and the API (services.factor_fit_problem)."""
        problem = factor_fit_problem(activity_scope=scope, energy_type=energy_type, unit=unit,
                                     factor_scope=choice.scope, outside_of_scopes=choice.outside_of_scopes,
                                     grid_electricity=choice.grid_electricity, factor_label=choice.label,
                                     factor_unit=choice.unit)
        if problem:
            row.error(*problem)
            return False
        return True

    @staticmethod
    def _resolve(key: tuple, ctx: Context, keywords: str, facility: Facility, scope: str, unit: str):
        year = ctx.period.year
        if key[0] == "grid":
            resolution = grid_electricity_factor(region=facility.electricity_region, year=year)
            what = f"the grid electricity factor of {facility.electricity_region}"
        else:
            try:
                resolution = resolve_factor(keywords=keywords, unit=unit, region=facility.country, year=year,
                                            scope=scope)
            except (UnitError, ValueError) as exc:
                return f"is empty and no factor can be resolved: {exc}"
            what = f"a factor for '{keywords}'"
        if not resolution.found:
            return (f"is empty and {what} was not found: {resolution.reason} Give the factor's ID "
                    "(<source code>:<publisher ID>) or other factor_keywords.")
        factor = resolution.factor
        source = getattr(factor, "source", None)
        label = f"{source.code}:{factor.external_id}" if source else f"custom:{factor.pk}"
        return _snapshot_choice(factor, resolution.reason, label)

    @staticmethod
    def _lookup(text: str, ctx: Context) -> FactorChoice | str:
        prefix, colon, ident = text.partition(":")
        prefix, ident = prefix.strip().lower(), ident.strip()
        if not colon or not prefix or not ident:
            return (f"'{text}' is not a factor ID: write <source code>:<publisher ID> "
                    "(e.g. desnz-2025:1_100_1004_6_1) or custom:<id>")
        if prefix in ("custom", "supplier"):
            if not ident.isdigit():
                return f"'{text}': a custom factor ID is a number, e.g. custom:12"
            custom = CustomFactor.objects.filter(pk=int(ident)).first()
            if custom is None:
                return f"there is no custom or supplier factor {ident} (it may have been deleted)"
            year = ctx.period.year
            if (custom.valid_from and custom.valid_from.year > year) \
                    or (custom.valid_to and custom.valid_to.year < year):
                return (f"custom factor {ident} is valid {custom.valid_from or '…'} to {custom.valid_to or '…'}, "
                        f"outside {ctx.period.name}")
            return _snapshot_choice(custom, f"Given by ID in the imported file: custom factor {ident} "
                                            f"({custom.activity}).", f"custom:{ident}")
        source_id = ctx.sources.get(prefix)
        if source_id is None:
            known = ", ".join(sorted(ctx.sources)[:8])
            return f"no factor source '{prefix}' in the library (sources include {known})"
        factor = EmissionFactor.objects.select_related("source").filter(source_id=source_id,
                                                                       external_id=ident).first()
        if factor is None:
            return f"{prefix} has no factor with the ID '{ident}' (the factor's page shows its ID)"
        label = f"{prefix}:{ident}"
        return _snapshot_choice(factor, f"Given by ID in the imported file: {label} ({factor.activity}, "
                                        f"{factor.source.label}).", label)

    def lock(self, ctx: Context) -> None:
        period = ReportingPeriod.objects.select_for_update().filter(pk=ctx.period.pk).first()
        if period is None:
            raise ImportFileError("The reporting period was deleted while the file was being checked; "
                                  "nothing was imported.")
        if period.is_locked:
            raise ImportFileError(f"{period.name} was locked while the file was being checked; nothing was "
                                  "imported. Unlock it and upload the file again.")
        alive = Facility.objects.filter(pk__in=ctx.used_facilities).count()
        if alive != len(ctx.used_facilities):
            raise ImportFileError("A facility named in the file was deleted while the file was being checked; "
                                  "nothing was imported.")

    def audit_details(self, ctx: Context) -> dict:
        return {"period": {"id": ctx.period.pk, "name": ctx.period.name},
                "emissions_t": format(ctx.emissions_kg / 1000, "f")}

    # ------------------------------------------------------------ pages and templates
    def example_rows(self) -> list[dict[str, str]]:
        return [
            {"facility": "LDS", "scope": "1", "scope1_type": "stationary", "description": "Natural gas, boilers",
             "quantity": "125000", "unit": "kWh (Gross CV)", "factor": "desnz-2025:1_100_1004_6_1",
             "data_quality": "measured", "ets_regulated": "no"},
            {"facility": "LDS", "scope": "1", "scope1_type": "mobile", "description": "Diesel, delivery vans",
             "quantity": "4210.5", "unit": "litres", "factor_keywords": "diesel average biofuel blend",
             "data_quality": "measured"},
            {"facility": "OH1", "scope": "2", "energy_type": "electricity", "description": "Grid electricity",
             "quantity": "240000", "unit": "kWh", "data_quality": "measured",
             "notes": "Empty factor: the grid factor of the facility's region is used"},
            {"facility": "LDS", "scope": "3", "scope3_category": "6", "description": "Flights, short-haul economy",
             "quantity": "36500", "unit": "passenger.km", "factor": "desnz-2025:21_316_3164_11_1",
             "data_quality": "calculated"},
        ]

    def guide_sections(self):
        sections = []
        facilities = list(Facility.objects.order_by("name").values_list("code", "name", "country", "grid_region"))
        if facilities:
            sections.append(("Your facilities", ["Code", "Name", "Country", "Grid region"],
                             [[code, name, country, region] for code, name, country, region in facilities]))
        units = [[group, ", ".join(value for value, _ in options)] for group, options in UNIT_CHOICES]
        sections.append(("Common units", ["Kind", "Units"], units))
        return sections

    def upload_url(self) -> str | None:
        return _maybe_reverse("inventory:import")

    def result_links(self, job) -> list[tuple[str, str]]:
        links = []
        activities = _maybe_reverse("inventory:activities")
        if activities:
            links.append((f"See the activities of {job.parameters.get('period_name', 'the period')}",
                          f"{activities}?period={job.parameters.get('period', '')}"))
        dashboard = _maybe_reverse("dashboard")
        if dashboard:
            links.append(("Open the dashboard", dashboard))
        return links


def _share(facility: Facility) -> Decimal:
    """Equity-share consolidation (GHG Protocol ch. 3), as services.calculate applies it."""
    return facility.equity_share if facility.consolidation == Facility.Consolidation.EQUITY else Decimal(100)


def _category(row: Row) -> int | None:
    text = row.text("scope3_category")
    if not text:
        return None
    match = _CATEGORY.match(text)
    number = int(match.group(1)) if match else None
    if number is None or not 1 <= number <= 15:
        row.error("scope3_category", "must be a GHG Protocol category number from 1 to 15")
        return None
    return number


def _maybe_reverse(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


register(ActivityImporter())
