"""The shared factor library (public schema).

One :class:`FactorSource` is one edition of one publisher's dataset (``desnz-2024``,
``cbam-defaults-ir-2026-1740``); a new edition is a new source and the old one stays queryable.
Everything loaded from a source points at it and is replaced only by ``manage.py load_factors``.

* :class:`EmissionFactor` — kg CO2e per unit of an activity (the thing regimes multiply by).
* :class:`EnergyConversionFactor` — kWh of energy per unit of an activity (DESNZ's SECR rows).
* :class:`GlobalWarmingPotential` — GWP/GTP values per species and assessment report.
* :class:`CbamBenchmark` — CBAM free-allocation benchmarks (t CO2e per t of good).

Values are stored exactly as published (:class:`~factors.fields.ExactDecimalField`); values a
publisher gives in other units are converted once at load with exact Decimal arithmetic
(:mod:`factors.conversions`) and the original cells are kept in ``published``.
"""
from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

from .fields import ExactDecimalField

SEARCH_CONFIG = "english"


class Scope(models.TextChoices):
    SCOPE_1 = "1", "Scope 1"
    SCOPE_2 = "2", "Scope 2"
    SCOPE_3 = "3", "Scope 3"
    NONE = "", "Outside of scopes / not stated"


class GwpBasis(models.TextChoices):
    AR4 = "AR4", "IPCC AR4 (GWP100)"
    AR5 = "AR5", "IPCC AR5 (GWP100)"
    AR6 = "AR6", "IPCC AR6 (GWP100)"
    NONE = "", "Not stated / CO2 only"


class FactorSource(models.Model):
    """One edition of one dataset, with its provenance, licence and load checksum."""

    code = models.SlugField(max_length=64, unique=True, help_text="e.g. desnz-2024, cbam-defaults-ir-2026-1740")
    dataset = models.SlugField(max_length=64, db_index=True,
                               help_text="The dataset across editions, e.g. desnz; editions share it")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True, help_text="Label for badges and lists, e.g. DESNZ 2024")
    publisher = models.CharField(max_length=200)
    edition = models.CharField(max_length=100, help_text="As the publisher names it, e.g. 2024 v1.1")
    year = models.PositiveSmallIntegerField(help_text="Year of the edition")
    version = models.CharField(max_length=50, blank=True)
    published_on = models.DateField(null=True, blank=True)
    licence = models.CharField(max_length=200)
    licence_url = models.URLField(max_length=300, blank=True)
    attribution = models.TextField(help_text="Text to print wherever the factors are used (reports)")
    url = models.URLField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text="What the dataset is, its units and caveats")
    file_name = models.TextField(help_text="File(s) under factors/data the source was loaded from")
    file_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file (of all files, in order, if several)")
    loader_version = models.PositiveSmallIntegerField(default=1)
    loaded_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0, help_text="Records loaded from this source, all kinds")
    counts = models.JSONField(default=dict, blank=True, help_text="Records loaded, by kind")
    priority = models.PositiveSmallIntegerField(
        default=50, help_text="Tie-break among sources at the same resolution rung: lower is preferred "
                              "(official national inventories before third-party compilations)")
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="supersedes",
                                      help_text="A correcting edition that replaces this one for the same period")

    class Meta:
        ordering = ["dataset", "-year", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition})"

    @property
    def label(self) -> str:
        return self.short_name or self.code

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def files_label(self) -> str:
        """'desnz_flat_2024.csv', or '13 files in us_epa_ghg_emission_factors_hub/2024' for a folder."""
        names = [name.strip() for name in self.file_name.split(",") if name.strip()]
        if len(names) == 1:
            return names[0].rsplit("/", 1)[-1]
        folders = {name.rsplit("/", 1)[0] for name in names}
        return f"{len(names)} files in {folders.pop()}" if len(folders) == 1 else f"{len(names)} files"


class EmissionFactor(models.Model):
    """kg CO2e per one ``unit`` of an activity, from one source edition."""

    source = models.ForeignKey(FactorSource, on_delete=models.PROTECT, related_name="factors")
    external_id = models.CharField(max_length=200, help_text="The publisher's ID, or a stable key built from "
                                                             "the publisher's columns; the same across editions")
    scope = models.CharField(max_length=1, choices=Scope.choices, blank=True, db_index=True)
    level1 = models.CharField(max_length=200, blank=True, db_index=True)
    level2 = models.CharField(max_length=200, blank=True)
    level3 = models.CharField(max_length=600, blank=True)
    level4 = models.CharField(max_length=200, blank=True)
    qualifier = models.CharField(max_length=200, blank=True, help_text="DESNZ 'Column Text', EPA vehicle/fuel detail")
    activity = models.CharField(max_length=600)
    classification = models.CharField(max_length=40, blank=True,
                                      help_text="Code system of classification_code: CN, NAICS-2017, NACE-2, eGRID …")
    classification_code = models.CharField(max_length=40, blank=True, db_index=True)
    region = models.CharField(max_length=40, db_index=True,
                              help_text="ISO 3166 alpha-2, US eGRID subregion, GLOBAL, or an aggregate code")
    region_name = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(db_index=True, help_text="Year the factor is meant for")
    unit = models.CharField(max_length=60, db_index=True, help_text="Activity unit, pint-parsable")
    kgco2e_per_unit = ExactDecimalField()
    co2 = ExactDecimalField(null=True, blank=True, help_text="kg CO2e of CO2 per unit")
    ch4 = ExactDecimalField(null=True, blank=True, help_text="kg CO2e of CH4 per unit")
    n2o = ExactDecimalField(null=True, blank=True, help_text="kg CO2e of N2O per unit")
    other = ExactDecimalField(null=True, blank=True, help_text="kg CO2e of other gases per unit")
    biogenic_co2 = ExactDecimalField(null=True, blank=True,
                                     help_text="Biogenic CO2 per unit, reported outside of scopes")
    outside_of_scopes = models.BooleanField(
        default=False, help_text="A biogenic CO2 line reported outside of scopes (never resolved as an activity's "
                                 "factor)")
    direct = ExactDecimalField(null=True, blank=True, help_text="CBAM: direct embedded emissions, kg CO2e per unit")
    indirect = ExactDecimalField(null=True, blank=True, help_text="CBAM: indirect embedded emissions, kg CO2e per unit")
    production_route = models.CharField(max_length=10, blank=True, help_text="CBAM production route marker")
    grid_electricity = models.BooleanField(default=False, db_index=True,
                                           help_text="Location-based grid electricity intensity (Scope 2)")
    gwp_basis = models.CharField(max_length=3, choices=GwpBasis.choices, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    conversion = models.TextField(blank=True, help_text="How the stored value was derived from the published one")
    published = models.JSONField(default=dict, blank=True,
                                 help_text="The publisher's original cells (as text) and their units")
    keywords = models.TextField(blank=True, help_text="Extra search terms: publisher, synonyms, codes")
    search = models.GeneratedField(
        expression=(
            SearchVector("activity", "classification_code", config=SEARCH_CONFIG, weight="A")
            + SearchVector("level1", "level2", "level3", "level4", "qualifier", "region_name",
                           config=SEARCH_CONFIG, weight="B")
            + SearchVector("keywords", "external_id", "unit", "region", config=SEARCH_CONFIG, weight="C")
            + SearchVector("notes", config=SEARCH_CONFIG, weight="D")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["source", "level1", "level2", "level3", "activity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="factors_unique_external_id"),
        ]
        indexes = [
            GinIndex(fields=["search"], name="factors_ef_search_gin"),
            models.Index(fields=["region", "year"], name="factors_ef_region_year"),
            models.Index(fields=["external_id"], name="factors_ef_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.region} {self.year} · {self.kgco2e_per_unit} kg CO2e/{self.unit}"

    @property
    def kind(self) -> str:
        return "library"

    @property
    def hierarchy(self) -> list[str]:
        return [level for level in (self.level1, self.level2, self.level3, self.level4) if level]

    @property
    def context_path(self) -> list[str]:
        """The category levels that add something to the activity name (for lists and headings)."""
        return [level for level in self.hierarchy if level != self.activity and level not in self.activity]

    @property
    def gas_breakdown(self) -> list[tuple[str, object]]:
        return [(label, value) for label, value in (("CO2", self.co2), ("CH4", self.ch4), ("N2O", self.n2o),
                                                    ("Other", self.other)) if value is not None]


class EnergyConversionFactor(models.Model):
    """kWh of energy per unit of an activity — DESNZ's SECR 'kWh (Net CV)' and 'kWh (net)' rows.

    Not an emission factor: it turns a distance travelled into the energy SECR asks companies to
    report. Kept apart so it can never be multiplied into kg CO2e by mistake.
    """

    source = models.ForeignKey(FactorSource, on_delete=models.PROTECT, related_name="energy_factors")
    external_id = models.CharField(max_length=200)
    scope = models.CharField(max_length=1, choices=Scope.choices, blank=True)
    level1 = models.CharField(max_length=200, blank=True)
    level2 = models.CharField(max_length=200, blank=True)
    level3 = models.CharField(max_length=600, blank=True)
    level4 = models.CharField(max_length=200, blank=True)
    qualifier = models.CharField(max_length=200, blank=True)
    activity = models.CharField(max_length=600)
    region = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=60, help_text="Activity unit (km, miles)")
    energy_unit = models.CharField(max_length=60, help_text="kWh (Net CV) for fuels, kWh for electricity")
    energy_per_unit = ExactDecimalField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["source", "level1", "level2", "level3", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="factors_energy_unique_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.energy_per_unit} {self.energy_unit}/{self.unit}"


class GlobalWarmingPotential(models.Model):
    """A GWP (or GTP) value of one species in one IPCC assessment report, as a source lists it."""

    source = models.ForeignKey(FactorSource, on_delete=models.PROTECT, related_name="gwps")
    external_id = models.CharField(max_length=200)
    species = models.CharField(max_length=100, db_index=True, help_text="As the source writes it (HFC134a, CH4)")
    name = models.CharField(max_length=200, blank=True)
    formula = models.CharField(max_length=100, blank=True)
    report = models.CharField(max_length=10, help_text="SAR, TAR, AR4, AR5, AR6")
    metric = models.CharField(max_length=20, help_text="GWP100, GWP20, GWP500, GTP100")
    value = ExactDecimalField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["source", "species", "report", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="factors_gwp_unique_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.species} {self.report} {self.metric} = {self.value}"


class CbamBenchmark(models.Model):
    """A CBAM benchmark of Implementing Regulation (EU) 2025/2620 (t CO2e per t of good)."""

    source = models.ForeignKey(FactorSource, on_delete=models.PROTECT, related_name="cbam_benchmarks")
    external_id = models.CharField(max_length=200)
    sector = models.CharField(max_length=60)
    cn_code = models.CharField(max_length=20, db_index=True, help_text="As in the regulation, spaced")
    cn8 = models.CharField(max_length=10, db_index=True)
    description = models.TextField()
    column = models.CharField(max_length=1, help_text="A or B as in the regulation (B is the default-value column)")
    production_route = models.CharField(max_length=10, blank=True)
    year_group = models.CharField(max_length=2, blank=True, help_text="1 = 2026–27, 2 = 2028–30, blank = all years")
    benchmark_tco2e_per_t = ExactDecimalField()

    class Meta:
        ordering = ["source", "cn_code", "column", "production_route", "year_group"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="factors_benchmark_unique_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.cn_code} {self.column}{self.production_route} {self.benchmark_tco2e_per_t} t CO2e/t"
