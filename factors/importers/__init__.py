"""The registry of sources ``manage.py load_factors`` loads: one :class:`SourceSpec` per edition.

Adding an edition = adding its files under ``factors/data/<dataset>/`` (with PROVENANCE.md) and
one entry here; the older edition stays loaded and queryable. ``loader_version`` is bumped when
an importer's output changes for unchanged files, so the next load reprocesses that source.
"""
from __future__ import annotations

import datetime as dt

from . import cbam, desnz, epa_hub, epa_supply_chain, grid, ipcc, spend
from .base import ParsedSource, SourceFormatError, SourceSpec

__all__ = ["SOURCES", "ParsedSource", "SourceFormatError", "SourceSpec", "source_spec"]

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
US_PUBLIC_DOMAIN = "US Government work, public domain in the U.S. (17 U.S.C. §105)"
EU_REUSE = "© European Union; reuse authorised under Commission Decision 2011/833/EU"
EU_REUSE_URL = "https://eur-lex.europa.eu/eli/dec/2011/833/oj"
CC_BY_SA = "CC BY-SA 4.0"
CC_BY_SA_URL = "https://creativecommons.org/licenses/by-sa/4.0/"

_EPA_HUB_TABLES = [
    "gwp_used_by_hub", "table1_stationary_combustion", "table2_mobile_combustion_co2",
    "table3_mobile_ch4_n2o_onroad_gasoline", "table4_mobile_ch4_n2o_onroad_diesel_alt", "table5_mobile_ch4_n2o_nonroad",
    "table6_electricity_egrid_subregions", "table7_steam_and_heat", "table8_scope3_upstream_downstream_transport",
    "table9_scope3_waste", "table10_scope3_business_travel_commuting",
]


def _epa_hub_files(year: int, *extra: str) -> tuple[str, ...]:
    return tuple(f"us_epa_ghg_emission_factors_hub/{year}/{table}.csv" for table in [*_EPA_HUB_TABLES, *extra])


def _desnz(year: int, edition: str, version: str, published_on: dt.date | None) -> SourceSpec:
    return SourceSpec(
        code=f"desnz-{year}", dataset="desnz", short_name=f"DESNZ {year}",
        name="UK Government GHG Conversion Factors for Company Reporting",
        publisher="Department for Energy Security and Net Zero (DESNZ) and Defra, UK Government",
        edition=edition, year=year, version=version, published_on=published_on, licence=OGL, licence_url=OGL_URL,
        attribution=("Contains public sector information licensed under the Open Government Licence v3.0. "
                     f"Source: DESNZ/Defra, UK Government GHG Conversion Factors for Company Reporting {year}."),
        url=f"https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{year}",
        description=("The full flat file: kg CO2e per unit with CO2/CH4/N2O parts (IPCC AR5 GWP100), "
                     "scopes 1–3 and outside-of-scopes biogenic CO2; SECR energy-content rows as energy "
                     "conversion factors."),
        files=(f"uk_desnz_ghg_conversion_factors/desnz_flat_{year}.csv",), parse=desnz.parse, priority=10)


def _epa_hub(year: int, edition: str, published_on: dt.date | None, *extra: str) -> SourceSpec:
    return SourceSpec(
        code=f"epa-hub-{year}", dataset="epa-hub", short_name=f"EPA Hub {year}", name="GHG Emission Factors Hub",
        publisher="U.S. Environmental Protection Agency, Center for Corporate Climate Leadership",
        edition=edition, year=year, published_on=published_on, licence=US_PUBLIC_DOMAIN,
        attribution=f"U.S. EPA, GHG Emission Factors Hub ({year}).",
        url="https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
        description=("Stationary and mobile combustion, eGRID electricity by subregion, steam, transport, waste "
                     "and business travel (Tables 1–10); CH4/N2O converted with the Hub's AR5 GWPs."),
        files=_epa_hub_files(year, *extra), parse=epa_hub.parse, priority=10)


SOURCES: list[SourceSpec] = [
    _desnz(2024, "2024 v1.1", "1.1", None),
    _desnz(2025, "2025 v1", "1", dt.date(2025, 6, 10)),
    _epa_hub(2024, "2024 (revised release, eGRID2022)", None),
    _epa_hub(2025, "2025 (January 2025, eGRID2023)", dt.date(2025, 1, 15),
             "table11_gwp", "table12_gwp_blended_refrigerants"),
    SourceSpec(
        code="epa-supply-chain-v1-3", short_name="EPA Supply Chain v1.3", dataset="epa-supply-chain",
        name="Supply Chain GHG Emission Factors for US Industries and Commodities",
        publisher="U.S. EPA Office of Research and Development", edition="v1.3.0 (2022 USD, NAICS 2017)", year=2022,
        version="1.3.0", licence=US_PUBLIC_DOMAIN,
        licence_url="https://pasteur.epa.gov/license/sciencehub-license.html",
        attribution=("U.S. EPA, Supply Chain Greenhouse Gas Emission Factors for US Industries and Commodities, "
                     "v1.3.0, doi:10.23719/1531143."),
        url="https://doi.org/10.23719/1531143",
        description="Spend-based factors, kg CO2e per 2022 USD (purchaser price, with margins), by NAICS-6; "
                    "per-gas parts from the by-gas file.",
        files=("us_epa_supply_chain_ghg_factors/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv",
               "us_epa_supply_chain_ghg_factors/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv",
               epa_supply_chain.IPCC_FILE),
        parse=epa_supply_chain.parse, priority=20),
    SourceSpec(
        code="cbam-defaults-ir-2025-2621", short_name="CBAM IR 2025/2621", dataset="cbam-defaults",
        name="CBAM default values for the definitive period (Annex I)",
        publisher="European Commission (DG TAXUD); machine-readable transcription: opencbam 0.1.0",
        edition="IR (EU) 2025/2621 (December 2025)", year=2025, licence=EU_REUSE, licence_url=EU_REUSE_URL,
        attribution=("© European Union. Commission Implementing Regulation (EU) 2025/2621, Annex I; "
                     "transcription by opencbam 0.1.0 (Apache-2.0). Verify before regulatory use."),
        url="https://eur-lex.europa.eu/eli/reg_impl/2025/2621/oj",
        description=("Country-specific default embedded emissions (direct, indirect, total) per CN code and "
                     "production route, t CO2e per t (stored as kg CO2e per tonne). Corrected retroactively by "
                     "IR (EU) 2026/1740."),
        files=("eu_cbam/cbam_default_values_ir_2025_2621_annex_i.csv",), parse=cbam.parse_defaults, priority=12,
        superseded_by="cbam-defaults-ir-2026-1740"),
    SourceSpec(
        code="cbam-defaults-ir-2026-1740", short_name="CBAM IR 2026/1740", dataset="cbam-defaults",
        name="CBAM default values for the definitive period (Annex I)",
        publisher="European Commission (DG TAXUD); machine-readable copy of the Commission's information workbook",
        edition="IR (EU) 2026/1740 (July 2026, applies from 1 January 2026)", year=2026,
        published_on=dt.date(2026, 7, 31), licence=EU_REUSE, licence_url=EU_REUSE_URL,
        attribution=("© European Union. Commission Implementing Regulation (EU) 2026/1740 correcting Implementing "
                     "Regulation (EU) 2025/2621, Annex I. Verify before regulatory use."),
        url="https://eur-lex.europa.eu/eli/reg_impl/2026/1740/oj",
        description=("The corrected default values (Taiwan stainless steel, Other Countries 7226 20 00, TARIC codes "
                     "for clinker, cement and calcined clay, production routes). No mark-up columns: the mark-up "
                     "is applied to the total."),
        files=("eu_cbam/cbam_default_values_ir_2026_1740_annex_i.csv",), parse=cbam.parse_defaults, priority=12),
    SourceSpec(
        code="cbam-precursors-ir-2025-2621", short_name="CBAM Annex IV 2025/2621", dataset="cbam-precursors",
        name="CBAM default values for precursors of unknown origin (Annex IV)",
        publisher="European Commission (DG TAXUD); machine-readable transcription: opencbam 0.1.0",
        edition="IR (EU) 2025/2621 Annex IV (December 2025)", year=2025, licence=EU_REUSE, licence_url=EU_REUSE_URL,
        attribution=("© European Union. Commission Implementing Regulation (EU) 2025/2621, Annex IV; transcription by "
                     "opencbam 0.1.0 (Apache-2.0). Verify before regulatory use."),
        url="https://eur-lex.europa.eu/eli/reg_impl/2025/2621/oj",
        description="Highest third-country default per precursor, for when the country of production is unknown.",
        files=("eu_cbam/cbam_precursor_defaults_unknown_origin_ir_2025_2621_annex_iv.csv",),
        parse=cbam.parse_precursors, priority=15),
    SourceSpec(
        code="cbam-benchmarks-ir-2025-2620", short_name="CBAM IR 2025/2620", dataset="cbam-benchmarks",
        name="CBAM benchmarks",
        publisher="European Commission (DG TAXUD); machine-readable transcription: opencbam 0.1.0",
        edition="IR (EU) 2025/2620 (December 2025)", year=2025, licence=EU_REUSE, licence_url=EU_REUSE_URL,
        attribution=("© European Union. Commission Implementing Regulation (EU) 2025/2620; transcription by opencbam "
                     "0.1.0 (Apache-2.0). Verify before regulatory use."),
        url="https://eur-lex.europa.eu/eli/reg_impl/2025/2620/oj",
        description="Benchmarks for the free-allocation adjustment, t CO2e per t, per CN code, column A/B, "
                    "production route and year group.",
        files=("eu_cbam/cbam_benchmarks_ir_2025_2620.csv",), parse=cbam.parse_benchmarks, priority=10),
    SourceSpec(
        code="ember-grid", short_name="Ember", dataset="ember-grid",
        name="Yearly Electricity Data: average grid carbon intensity",
        publisher="Ember", edition="Latest year per country (2022–2024 data), refreshed 2025-08-03", year=2025,
        licence="CC BY-SA 4.0 (Ember states CC BY 4.0; the redistributor co2.js states CC BY-SA 4.0)",
        licence_url=CC_BY_SA_URL,
        attribution="Ember — Yearly Electricity Data (ember-climate.org), via The Green Web Foundation's co2.js. "
                    "CC BY-SA 4.0.",
        url="https://ember-climate.org/data/",
        description="Life-cycle gCO2e per kWh of generation by country and region (stored as kg/kWh). Used for "
                    "location-based Scope 2 where no national official factor is loaded.",
        files=("grid_electricity_intensity/ember_average_grid_intensity_latest.csv",), parse=grid.parse_ember,
        priority=30),
    SourceSpec(
        code="ifi-grid-2021", short_name="IFI 2021", dataset="ifi-grid", name="Harmonized IFI Default Grid Factors",
        publisher="UNFCCC, for the International Financial Institutions Technical Working Group on GHG Accounting",
        edition="2021 v3.1", year=2021, version="3.1",
        licence="Publicly distributed by UNFCCC; no open licence stated — attribute UNFCCC / IFI TWG",
        attribution="UNFCCC / IFI Technical Working Group on GHG Accounting, Harmonized IFI Default Grid Factors "
                    "2021 v3.1 (methodology AHG-001).",
        url="https://unfccc.int/climate-action/sectoral-engagement/ifis-harmonization-of-standards-for-ghg-accounting",
        description="Combined- and operating-margin grid factors (gCO2/kWh, stored as kg/kWh) for project-level "
                    "accounting; not resolved for corporate Scope 2.",
        files=("grid_electricity_intensity/ifi_default_grid_factors_2021_v3.1.csv",), parse=grid.parse_ifi,
        priority=60),
    SourceSpec(
        code="ipcc-gwp", short_name="IPCC GWP", dataset="ipcc-gwp", name="IPCC global warming potentials",
        publisher="IPCC; packaged by openclimatedata (globalwarmingpotentials 0.13.2)",
        edition="SAR, TAR, AR4, AR5, AR6 (package 0.13.2) + fossil/non-fossil CH4 supplement", year=2021,
        version="0.13.2", licence="CC0-1.0 (package); supplement typed by the FactorTrace team",
        licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution="IPCC assessment reports SAR–AR6; values packaged by openclimatedata/globalwarmingpotentials "
                    "0.13.2 (CC0-1.0).",
        url="https://github.com/openclimatedata/globalwarmingpotentials",
        description="GWP100/GWP20/GWP500 and AR6 GTP100 for 106 species; fossil and non-fossil methane.",
        files=("ipcc_gwp/gwp_ipcc_assessment_reports.csv", "ipcc_gwp/methane_fossil_nonfossil_supplement.csv"),
        parse=ipcc.parse),
    SourceSpec(
        code="exiobase-3-8-2", short_name="EXIOBASE 3.8.2", dataset="exiobase",
        name="EXIOBASE 3 spend-based GHG multipliers (product by product)",
        publisher="EXIOBASE consortium; factors computed by Climatiq (Open Emission Factors DB)",
        edition="3.8.2, data year 2019, 5 regions (DE, BR, US, NO, GB)", year=2021, version="3.8.2",
        licence=CC_BY_SA, licence_url=CC_BY_SA_URL,
        attribution=("Stadler, K. et al. (2018), EXIOBASE 3, Journal of Industrial Ecology 22(3); dataset EXIOBASE "
                     "3.8.2, doi:10.5281/zenodo.5589597. Factors: Climatiq, Open Emission Factors Database, "
                     "CC BY-SA 4.0."),
        url="https://doi.org/10.5281/zenodo.5589597",
        description="kg CO2e per EUR (basic prices, EUR 2019), total supply-chain multipliers, AR5 GWP100.",
        files=("exiobase_spend_factors/oefdb_exiobase382_2019_pxp_5regions.csv",), parse=spend.parse_exiobase,
        priority=30),
    SourceSpec(
        code="figaro-2019", short_name="FIGARO 2019", dataset="figaro",
        name="FIGARO monetary emission factors (country of supply)",
        publisher="Ecodex, computed from Eurostat FIGARO tables and air emissions accounts",
        edition="FIGARO 2026 edition tables, year 2019 (Ecodex release 2026)", year=2026, licence=CC_BY_SA,
        licence_url=CC_BY_SA_URL,
        attribution=("FIGARO monetary emission factors, Ecodex (https://getecodex.com), doi:10.5281/zenodo.23157020, "
                     "CC BY-SA 4.0. Computed from Eurostat data; Eurostat did not produce, endorse or verify them."),
        url="https://doi.org/10.5281/zenodo.23157020",
        description="kg CO2e per EUR of output (basic prices, EUR 2019; published per thousand EUR), 31 European "
                    "countries × 62 NACE industries, cradle-to-gate.",
        files=("figaro_spend_factors/figaro_emission_factors_26ed_2019.csv",), parse=spend.parse_figaro, priority=25),
]


def source_spec(code: str) -> SourceSpec:
    for spec in SOURCES:
        if spec.code == code:
            return spec
    raise KeyError(f"Unknown factor source '{code}'. Known: {', '.join(s.code for s in SOURCES)}")
