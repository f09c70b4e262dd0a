"""The CSRD activities import, end to end through the service the task runs: good files (US CSV,
EU semicolon CSV, XLSX, the templates themselves), the corpus of bad files (each a clear message
naming row and column, and nothing written), the error file, the audit entry, retries, the
upload page, and one import through a real Celery worker.

Factors are DESNZ 2025 (v1) and EPA eGRID 2025 values (the root conftest's ``factor_library``):

    natural gas, kWh (Gross CV)       desnz-2025:1_100_1004_6_1     0.18296 kg CO2e/kWh (CO2 0.18259)
    diesel (average biofuel blend)    desnz-2025:1_101_1011_8_1     2.57082 kg CO2e/litre
    UK grid electricity               desnz-2025:7_400_4000_5_1     0.177   kg CO2e/kWh
    short-haul flight, economy, RF    desnz-2025:21_316_3164_11_1   0.12576 kg CO2e/passenger.km
    RFCW grid electricity (eGRID)     epa-hub-2025:t6:RFCW:total-output
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import time
from decimal import Decimal as D
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from factors.models import EmissionFactor
from factortrace.audit.models import AuditEntry
from factortrace.imports import MAX_IMPORT_BYTES, get_importer, import_request, import_run, import_template
from factortrace.imports.models import ImportJob
from regimes.inventory import services
from regimes.inventory.models import ActivityRecord, Facility, ReportingPeriod

pytestmark = pytest.mark.django_db

UPLOAD = "/inventory/import/"

HEADER = ["facility", "scope", "scope1_type", "energy_type", "scope3_category", "description", "quantity", "unit",
          "factor", "factor_keywords", "data_quality", "ets_regulated", "notes"]
GAS = dict(facility="LDS", scope="1", scope1_type="stationary", description="Natural gas, boilers",
           quantity="125000", unit="kWh (Gross CV)", factor="desnz-2025:1_100_1004_6_1", data_quality="measured")
DIESEL = dict(facility="Leeds plant", scope="1", scope1_type="mobile", description="Diesel, delivery vans",
              quantity="4210.5", unit="litres", factor_keywords="diesel average biofuel blend")
POWER = dict(facility="oh1", scope="2", energy_type="electricity", description="Grid electricity", quantity="240000",
             unit="kWh")
FLIGHTS = dict(facility="LDS", scope="3", scope3_category="6", description="Flights, short-haul economy",
               quantity="36500", unit="passenger.km", factor="desnz-2025:21_316_3164_11_1", data_quality="calculated")


def csv_bytes(*rows: dict, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(*rows: list) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Activities"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def desnz(external_id: str) -> EmissionFactor:
    return EmissionFactor.objects.select_related("source").get(source__code="desnz-2025", external_id=external_id)


@pytest.fixture
def inventory(tenant_a, people, in_tenant, factor_library):
    """Alpha's FY2025 (open) and FY2024 (locked), a UK and a US plant, and a 40 % joint venture."""
    with in_tenant(tenant_a):
        actor = people["officer"]
        fy25 = services.period_create(actor=actor, data=dict(name="FY2025", year=2025, start=dt.date(2025, 1, 1),
                                                             end=dt.date(2025, 12, 31)))
        fy24 = services.period_create(actor=actor, data=dict(name="FY2024", year=2024, start=dt.date(2024, 1, 1),
                                                             end=dt.date(2024, 12, 31)))
        services.period_set_status(period=fy24, status=ReportingPeriod.Status.LOCKED, actor=actor)
        leeds = services.facility_create(actor=actor, data=dict(name="Leeds plant", code="LDS", country="GB"))
        ohio = services.facility_create(actor=actor, data=dict(name="Ohio plant", code="OH1", country="US",
                                                               grid_region="RFCW"))
        venture = services.facility_create(actor=actor, data=dict(
            name="Rhine joint venture", code="JV", country="DE", consolidation=Facility.Consolidation.EQUITY,
            equity_share=D("40")))
        yield {"fy25": fy25, "fy24": fy24, "leeds": leeds, "ohio": ohio, "venture": venture, "actor": actor,
               "tenant": tenant_a}


def upload(content: bytes, name: str = "activities.csv", **params) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run(inv, content: bytes, name: str = "activities.csv", separator: str = "auto", period=None) -> ImportJob:
    """Upload and run the import as the task does (in the tenant's schema); returns the finished job."""
    job = import_request(importer_code="inventory.activities", uploaded_file=upload(content, name),
                         params={"period": (period or inv["fy25"]).pk, "decimal_separator": separator},
                         actor=inv["actor"])
    return import_run(job.pk)


def counts() -> tuple[int, int]:
    return ActivityRecord.all_objects.count(), AuditEntry.objects.count()


# ---------------------------------------------------------------- good files
def test_a_us_csv_is_validated_calculated_and_committed_with_one_audit_entry(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        before_rows, before_audit = counts()
        job = run(inventory, csv_bytes(GAS, DIESEL, POWER, FLIGHTS))
        assert job.status == ImportJob.Status.SUCCEEDED, (job.error, job.errors_preview)
        assert (job.total_rows, job.imported_rows, job.error_count, job.progress) == (4, 4, 0, 100)
        assert job.read_as == "CSV, UTF-8, comma-separated"
        records = {r.row_number: r for r in ActivityRecord.objects.filter(import_job=job)}
        assert sorted(records) == [2, 3, 4, 5]
        gas, diesel, power, flights = records[2], records[3], records[4], records[5]
        # 125 000 kWh × 0.18296 = 22 870 kg CO2e; CO2 part 125 000 × 0.18259 = 22 823.75 kg
        assert gas.emissions_kg == D("22870") and gas.co2_kg == D("22823.75")
        assert gas.factor == desnz("1_100_1004_6_1") and gas.factor_snapshot["value"] == "0.18296"
        assert gas.factor_snapshot["source_code"] == "desnz-2025" and "Given by ID" in gas.factor_reason
        assert (gas.facility, gas.period, gas.scope1_type, gas.data_quality) == (
            inventory["leeds"], inventory["fy25"], "stationary", "measured")
        # Resolved from the keywords: DESNZ diesel (average biofuel blend), 4 210.5 l × 2.57082
        assert diesel.factor == desnz("1_101_1011_8_1") and diesel.emissions_kg == D("10824.437610")
        assert diesel.facility == inventory["leeds"] and diesel.data_quality == "calculated"
        # Scope 2 electricity with no factor: the grid factor of the facility's eGRID subregion
        grid = EmissionFactor.objects.get(source__code="epa-hub-2025", external_id="t6:RFCW:total-output")
        assert power.factor == grid and power.emissions_kg == (D("240000") * grid.kgco2e_per_unit).quantize(D("1e-6"))
        assert "Grid electricity for RFCW" in power.factor_reason
        # 36 500 passenger.km × 0.12576 = 4 590.24 kg
        assert flights.emissions_kg == D("4590.24") and flights.scope3_category == 6
        assert all(r.created_by_id == inventory["actor"].pk and r.created_at for r in records.values())
        after_rows, after_audit = counts()
        assert after_rows == before_rows + 4 and after_audit == before_audit + 1
        entry = AuditEntry.objects.order_by("-sequence").first()
        assert entry.action == "inventory.import.committed" and entry.actor_email == "officer@alpha.example"
        assert entry.object_type == "imports.importjob" and entry.object_id == str(job.pk)
        assert entry.after["job"] == str(job.uuid) and entry.after["sha256"] == job.sha256
        assert entry.after["rows"] == 4 and entry.after["period"] == {"id": inventory["fy25"].pk, "name": "FY2025"}
        total = gas.emissions_kg + diesel.emissions_kg + power.emissions_kg + flights.emissions_kg
        assert D(entry.after["emissions_t"]).quantize(D("0.001")) == (total / 1000).quantize(D("0.001"))


def test_imported_rows_equal_what_the_activity_form_saves(inventory, in_tenant):
    """Same calculation, same snapshot as services.activity_save (the form and the API)."""
    with in_tenant(inventory["tenant"]):
        job = run(inventory, csv_bytes(GAS, dict(POWER, facility="LDS"), dict(GAS, facility="JV", quantity="1000")))
        assert job.status == "succeeded", job.errors_preview
        imported = list(ActivityRecord.objects.filter(import_job=job).order_by("row_number"))
        saved = [
            services.activity_create(actor=inventory["actor"], data=dict(
                period=inventory["fy25"], facility=inventory["leeds"], scope="1", scope1_type="stationary",
                description="x", quantity=D("125000"), unit="kWh (Gross CV)", factor=desnz("1_100_1004_6_1"))),
            services.activity_create(actor=inventory["actor"], data=dict(
                period=inventory["fy25"], facility=inventory["leeds"], scope="2", energy_type="electricity",
                description="x", quantity=D("240000"), unit="kWh")),
            services.activity_create(actor=inventory["actor"], data=dict(
                period=inventory["fy25"], facility=inventory["venture"], scope="1", scope1_type="stationary",
                description="x", quantity=D("1000"), unit="kWh (Gross CV)", factor=desnz("1_100_1004_6_1"))),
        ]
        for mine, theirs in zip(imported, saved, strict=True):
            theirs.refresh_from_db()
            assert (mine.emissions_kg, mine.co2_kg, mine.ch4_kg, mine.n2o_kg, mine.factor_id) == (
                theirs.emissions_kg, theirs.co2_kg, theirs.ch4_kg, theirs.n2o_kg, theirs.factor_id)
            assert mine.factor_snapshot == theirs.factor_snapshot
        assert imported[1].factor == desnz("7_400_4000_5_1")  # GB grid: DESNZ before Ember
        assert imported[2].emissions_kg == D("73.184")  # 40 % equity share: 1 000 × 0.18296 × 0.4


def test_an_eu_excel_csv_with_semicolons_and_decimal_commas_imports(inventory, in_tenant):
    rows = [dict(GAS, quantity="125.000,5"), dict(DIESEL, quantity="4210,5"), dict(FLIGHTS, quantity="36 500")]
    content = csv_bytes(*rows, delimiter=";", encoding="utf-8-sig")
    with in_tenant(inventory["tenant"]):
        job = run(inventory, content)
        assert job.status == "succeeded", job.errors_preview
        assert job.read_as == "CSV, UTF-8, semicolon-separated"
        quantities = list(ActivityRecord.objects.filter(import_job=job).order_by("row_number")
                          .values_list("quantity", flat=True))
        assert quantities == [D("125000.5"), D("4210.5"), D("36500")]


def test_the_decimal_separator_choice_reads_ambiguous_values(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        auto = run(inventory, csv_bytes(dict(GAS, quantity="1,250"), delimiter=";"))
        assert auto.status == "failed" and auto.errors_preview[0]["column"] == "quantity"
        assert "ambiguous" in auto.errors_preview[0]["reason"] and auto.errors_preview[0]["row"] == 2
        comma = run(inventory, csv_bytes(dict(GAS, quantity="1,250"), delimiter=";"), separator=",")
        assert comma.status == "succeeded"
        assert ActivityRecord.objects.get(import_job=comma).quantity == D("1.25")
        point = run(inventory, csv_bytes(dict(GAS, quantity="1,250")), separator=".")
        assert ActivityRecord.objects.get(import_job=point).quantity == D("1250")


def test_an_xlsx_workbook_imports_with_typed_cells(inventory, in_tenant):
    content = xlsx_bytes(
        ["LDS", 1, "stationary", None, None, "Natural gas", 125000, "kWh (Gross CV)", "desnz-2025:1_100_1004_6_1",
         None, "measured", "yes", None],
        ["OH1", 2, None, "electricity", None, "Power", 240000.25, "kWh", None, None, None, None, "meter 4"],
        ["LDS", 3, None, None, 6, "Flights", 36500, "passenger.km", "desnz-2025:21_316_3164_11_1", None, None,
         False, None])
    with in_tenant(inventory["tenant"]):
        job = run(inventory, content, "activities.xlsx")
        assert job.status == "succeeded", (job.error, job.errors_preview)
        assert job.read_as == "XLSX, sheet 'Activities'"
        gas, power, flights = ActivityRecord.objects.filter(import_job=job).order_by("row_number")
        assert gas.ets_regulated is True and gas.emissions_kg == D("22870")
        assert power.quantity == D("240000.25") and power.notes == "meter 4"
        assert flights.scope3_category == 6 and flights.ets_regulated is False


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloadable_templates_import_as_they_are(inventory, in_tenant, fmt):
    """The example rows use the demo's facility codes (LDS, OH1): a template is a working sample."""
    with in_tenant(inventory["tenant"]):
        template = import_template(get_importer("inventory.activities"), fmt)
        job = run(inventory, template.content, template.file_name)
        assert job.status == "succeeded", (job.error, job.errors_preview)
        assert job.imported_rows == 4


# ---------------------------------------------------------------- the bad-file corpus
BAD_ROWS = [
    # (case, row, expected column, words the reason must contain)
    ("unknown unit", dict(GAS, unit="zorkmids"), "unit", ["Unknown unit 'zorkmids'"]),
    ("incompatible units", dict(GAS, unit="litres"), "unit", ["'litres'", "'kWh (Gross CV)'", "volume", "energy"]),
    ("negative quantity", dict(GAS, quantity="-12.5"), "quantity", ["negative"]),
    ("text quantity", dict(GAS, quantity="lots"), "quantity", ["'lots' is not a number"]),
    ("too many decimals", dict(GAS, quantity="1.1234567"), "quantity", ["more than 6 decimal places"]),
    ("unknown facility", dict(GAS, facility="Paris"), "facility", ["unknown facility 'Paris'", "LDS (Leeds plant)"]),
    ("scope 1 without a type", dict(GAS, scope1_type=""), "scope1_type", ["Scope 1 needs a type"]),
    ("scope 1 with a bad type", dict(GAS, scope1_type="volcanic"), "scope1_type", ["'volcanic' is not one of"]),
    ("scope 3 without a category", dict(FLIGHTS, scope3_category=""), "scope3_category", ["Scope 3 needs"]),
    ("scope 3 category out of range", dict(FLIGHTS, scope3_category="16"), "scope3_category", ["1 to 15"]),
    ("scope 2 without energy type", dict(POWER, energy_type=""), "energy_type", ["Scope 2 needs"]),
    ("scope 1 row with a category", dict(GAS, scope3_category="4"), "scope3_category", ["only Scope 3"]),
    ("ETS outside scope 1", dict(FLIGHTS, ets_regulated="yes"), "ets_regulated", ["only Scope 1"]),
    ("bad scope", dict(GAS, scope="4"), "scope", ["1, 2 or 3"]),
    ("missing description", dict(GAS, description=""), "description", ["is required"]),
    ("unknown factor id", dict(GAS, factor="desnz-2025:9_999"), "factor", ["desnz-2025 has no factor", "9_999"]),
    ("unknown factor source", dict(GAS, factor="nosuch-2025:1"), "factor", ["no factor source 'nosuch-2025'"]),
    ("malformed factor id", dict(GAS, factor="1_100_1004_6_1"), "factor", ["is not a factor ID"]),
    ("missing custom factor", dict(GAS, factor="custom:999999"), "factor", ["no custom or supplier factor"]),
    ("factor of another scope", dict(GAS, factor="desnz-2025:7_400_4000_5_1"), "factor",
     ["Scope 2 factor", "this activity is Scope 1"]),
    ("unresolvable", dict(DIESEL, factor_keywords="unobtainium smelting"), "factor", ["was not found"]),
    ("formula =", dict(GAS, description='=HYPERLINK("http://evil.example","x")'), "description", ["formula"]),
    ("formula @", dict(GAS, notes="@SUM(1+1)*cmd|' /C calc'!A0"), "notes", ["formula"]),
    ("formula +", dict(GAS, description="+A1"), "description", ["formula"]),
    ("formula -", dict(GAS, notes="-cmd|' /C calc'!A0"), "notes", ["formula"]),
]


@pytest.mark.parametrize("case, bad, column, words", BAD_ROWS, ids=[case for case, *_ in BAD_ROWS])
def test_a_bad_row_fails_the_whole_file_naming_row_and_column_and_writes_nothing(inventory, in_tenant, case, bad,
                                                                                  column, words):
    with in_tenant(inventory["tenant"]):
        before = counts()
        job = run(inventory, csv_bytes(GAS, FLIGHTS, bad, DIESEL))
        assert counts() == before, "nothing is written when any row fails"
        assert job.status == "failed" and job.imported_rows == 0 and job.error == ""
        problems = [e for e in job.errors_preview if e["row"] == 4]
        assert problems, job.errors_preview
        assert problems[0]["column"] == column, problems
        assert problems[0]["cell"] == f"{chr(ord('A') + HEADER.index(column))}4"
        for word in words:
            assert word in problems[0]["reason"], problems[0]["reason"]
        assert job.error_count == len(job.errors_preview) and job.errors_file


def test_a_biogenic_outside_of_scopes_factor_is_unusable(inventory, in_tenant):
    biogenic = EmissionFactor.objects.filter(source__code="desnz-2025", outside_of_scopes=True).first()
    with in_tenant(inventory["tenant"]):
        job = run(inventory, csv_bytes(dict(GAS, factor=f"desnz-2025:{biogenic.external_id}", unit=biogenic.unit)))
        assert job.status == "failed"
        assert "outside of scopes" in job.errors_preview[0]["reason"]


FILE_PROBLEMS = [
    ("wrong encoding", lambda: csv_bytes(GAS, dict(FLIGHTS, notes="Zürich – Genève"), encoding="cp1252"),
     "activities.csv", ["not UTF-8", "line 3", "CSV UTF-8"]),
    ("missing columns", lambda: csv_bytes(GAS, header=[h for h in HEADER if h not in ("quantity", "unit")]),
     "activities.csv", ["missing required columns quantity, unit"]),
    ("unknown column", lambda: csv_bytes(GAS, header=HEADER + ["colour"]).replace(b"\r\nLDS", b"\r\nLDS", 1),
     "activities.csv", ["unknown column 'colour'"]),
    ("header only", lambda: csv_bytes(), "activities.csv", ["no data rows"]),
    ("blank lines only", lambda: b"\r\n\r\n", "activities.csv", ["no header row"]),
    ("no header", lambda: b"LDS,1,stationary\r\n", "activities.csv", ["first row must be the header"]),
    ("xlsx that is not a workbook", lambda: csv_bytes(GAS), "activities.xlsx", ["not an Excel workbook"]),
    ("workbook named csv", lambda: xlsx_bytes(["LDS"]), "activities.csv", ["Excel workbook"]),
]


@pytest.mark.parametrize("case, make, name, words", FILE_PROBLEMS, ids=[case for case, *_ in FILE_PROBLEMS])
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(inventory, in_tenant, case, make, name, words):
    with in_tenant(inventory["tenant"]):
        before = counts()
        job = run(inventory, make(), name)
        assert counts() == before
        assert job.status == "failed" and job.imported_rows == 0
        for word in words:
            assert word in job.error, job.error
        assert job.errors_file  # the message is in the error file too, for API users


def test_a_row_that_does_not_fit_the_header_is_reported(inventory, in_tenant):
    """A ';' inside an unquoted value of a semicolon file: the file cannot be read consistently."""
    lines = csv_bytes(GAS, delimiter=";").decode() + "LDS;1;stationary;;;Gas; boilers;5;kWh;;;;;\r\n"
    with in_tenant(inventory["tenant"]):
        job = run(inventory, lines.encode())
        assert job.status == "failed"
        (error,) = job.errors_preview
        assert error["row"] == 3 and "14 cells but the header has 13" in error["reason"]
        assert "semicolon" in error["reason"]


def test_decimal_commas_in_a_comma_separated_file_are_explained(inventory, in_tenant):
    content = csv_bytes(GAS).decode() + "LDS,1,stationary,,,Gas,4210,5,kWh (Gross CV),,,,,\r\n"
    with in_tenant(inventory["tenant"]):
        job = run(inventory, content.encode())
        assert "decimal comma" in job.errors_preview[0]["reason"]


def test_an_empty_file_and_a_file_over_the_limit_are_refused_before_anything_is_stored(inventory, in_tenant):
    folder = Path(settings.MEDIA_ROOT) / "alpha" / "imports"
    stored = set(folder.iterdir()) if folder.exists() else set()
    with in_tenant(inventory["tenant"]):
        jobs = ImportJob.objects.count()
        with pytest.raises(ValidationError) as empty:
            import_request(importer_code="inventory.activities", uploaded_file=upload(b""),
                           params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        assert empty.value.message_dict == {"file": ["The file is empty."]}
        big = SimpleUploadedFile("big.csv", b"x" * (50 * 1024 * 1024))
        with pytest.raises(ValidationError) as too_big:
            import_request(importer_code="inventory.activities", uploaded_file=big,
                           params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        message = too_big.value.message_dict["file"][0]
        assert "50.0 MB" in message and f"the limit is {MAX_IMPORT_BYTES // 2**20} MB" in message
        assert ImportJob.objects.count() == jobs
    assert (set(folder.iterdir()) if folder.exists() else set()) == stored
    assert 20 * 2**20 < MAX_IMPORT_BYTES < 50 * 2**20


def test_a_locked_period_is_refused_at_upload_and_at_commit(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        with pytest.raises(ValidationError) as info:
            import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS)),
                           params={"period": inventory["fy24"].pk}, actor=inventory["actor"])
        assert info.value.message_dict["period"] == ["FY2024 is locked; unlock it before importing into it."]
        # Locked after the upload, before the worker ran: the job fails and writes nothing.
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS)),
                             params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        services.period_set_status(period=inventory["fy25"], status="locked", actor=inventory["actor"])
        before = counts()
        job = import_run(job.pk)
        assert job.status == "failed" and "FY2025 is locked" in job.error and counts() == before


def test_a_period_locked_while_the_file_is_checked_stops_the_commit(inventory, in_tenant):
    importer = get_importer("inventory.activities")
    original = importer.parse_row

    def lock_midway(row, ctx):
        if row.number == 3:
            ReportingPeriod.objects.filter(pk=ctx.period.pk).update(status="locked")
        return original(row, ctx)

    with in_tenant(inventory["tenant"]):
        before = counts()
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS, FLIGHTS)),
                             params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        with mock.patch.object(importer, "parse_row", lock_midway):
            job = import_run(job.pk)
        assert job.status == "failed" and "was locked while the file was being checked" in job.error
        assert counts() == before


# ---------------------------------------------------------------- error file
def test_the_error_file_lists_every_problem_formula_safe(inventory, in_tenant):
    rows = [GAS, dict(GAS, quantity="-1", unit="zorkmids"), dict(GAS, description="=1+1"),
            dict(FLIGHTS, scope3_category="")]
    with in_tenant(inventory["tenant"]):
        job = run(inventory, csv_bytes(*rows))
        assert job.status == "failed" and job.error_count == 4 and job.total_rows == 4
        assert job.errors_file.name == f"alpha/imports/{job.uuid}-errors.csv"
        content = (Path(settings.MEDIA_ROOT) / job.errors_file.name).read_bytes()
    assert content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == ["row", "column", "cell", "value", "reason"]
    assert [(r[0], r[1], r[2]) for r in table[1:]] == [("3", "unit", "H3"), ("3", "quantity", "G3"),
                                                      ("4", "description", "F4"), ("5", "scope3_category", "E5")]
    assert table[3][3] == "'=1+1"  # the offending value comes back neutralised
    assert all(not cell.startswith(("=", "+", "@")) for row in table for cell in row)


def test_errors_past_the_first_ones_are_counted_and_kept_in_the_file(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        job = run(inventory, csv_bytes(*[dict(GAS, unit="zorkmids")] * 120))
        assert job.error_count == 120 and len(job.errors_preview) == 50
        lines = (Path(settings.MEDIA_ROOT) / job.errors_file.name).read_text("utf-8-sig").splitlines()
        assert len(lines) == 121


# ---------------------------------------------------------------- idempotence and retries
def test_running_a_finished_job_again_changes_nothing(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        job = run(inventory, csv_bytes(GAS, FLIGHTS))
        before = counts()
        again = import_run(job.pk)
        assert again.status == "succeeded" and again.attempts == 1 and counts() == before


def test_a_job_interrupted_mid_run_starts_over_and_commits_once(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS, FLIGHTS)),
                             params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        # As a worker killed while validating leaves it: running, one attempt, progress part-way.
        ImportJob.objects.filter(pk=job.pk).update(status="validating", attempts=1, progress=40)
        done = import_run(job.pk)
        assert done.status == "succeeded" and done.attempts == 2
        assert ActivityRecord.objects.filter(import_job=job).count() == 2


def test_a_database_error_during_the_commit_writes_nothing_and_the_retry_succeeds(inventory, in_tenant):
    importer = get_importer("inventory.activities")
    with in_tenant(inventory["tenant"]):
        before = counts()
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS, FLIGHTS)),
                             params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        with mock.patch.object(type(importer), "audit_details", side_effect=OperationalError("connection lost")), \
                pytest.raises(OperationalError):
            import_run(job.pk)  # the task retries on this
        job.refresh_from_db()
        assert not job.is_finished and job.attempts == 1 and counts() == before
        done = import_run(job.pk)
        assert done.status == "succeeded" and done.attempts == 2 and counts()[0] == before[0] + 2


def test_a_changed_stored_file_is_refused(inventory, in_tenant):
    with in_tenant(inventory["tenant"]):
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS)),
                             params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
        (Path(settings.MEDIA_ROOT) / job.file.name).write_bytes(csv_bytes(GAS, GAS))
        job = import_run(job.pk)
        assert job.status == "failed" and "SHA-256" in job.error


def test_the_upload_is_stored_under_the_schema_with_its_sha256(inventory, in_tenant):
    import hashlib

    content = csv_bytes(GAS)
    with in_tenant(inventory["tenant"]):
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(content, "My file.CSV"),
                             params={"period": str(inventory["fy25"].pk), "decimal_separator": ","},
                             actor=inventory["actor"])
    assert job.file.name == f"alpha/imports/{job.uuid}.csv" and job.original_name == "My file.CSV"
    assert (Path(settings.MEDIA_ROOT) / job.file.name).read_bytes() == content
    assert job.sha256 == hashlib.sha256(content).hexdigest() and job.size == len(content)
    assert job.parameters == {"period": inventory["fy25"].pk, "period_name": "FY2025", "decimal_separator": ","}
    assert (job.status, job.kind, job.regime) == ("queued", "inventory.activities", "inventory")


def test_the_task_is_queued_after_commit_in_the_tenants_schema(inventory, in_tenant,
                                                               django_capture_on_commit_callbacks):
    with in_tenant(inventory["tenant"]), \
            mock.patch("factortrace.imports.tasks.run_import.apply_async") as apply_async, \
            django_capture_on_commit_callbacks(execute=True):
        job = import_request(importer_code="inventory.activities", uploaded_file=upload(csv_bytes(GAS)),
                             params={"period": inventory["fy25"].pk}, actor=inventory["actor"])
    apply_async.assert_called_once_with(args=(job.pk,), kwargs={}, headers={"_schema_name": "alpha"})


# ---------------------------------------------------------------- the upload page
def test_the_upload_page_shows_the_form_templates_and_column_guide(inventory, people, client_for):
    assert reverse("inventory:import") == UPLOAD
    page = client_for(people["officer"], inventory["tenant"]).get(UPLOAD)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="period"' in html and "FY2024 (locked)" in html
    assert "/imports/template/inventory.activities.xlsx" in html
    assert "/imports/template/inventory.activities.csv" in html
    assert "<code>scope3_category</code>" in html and "No imports yet" in html


def test_uploading_from_the_page_redirects_to_the_job(inventory, people, client_for, in_tenant):
    client = client_for(people["officer"], inventory["tenant"])
    with mock.patch("factortrace.imports.tasks.run_import.apply_async"):
        response = client.post(UPLOAD, {"period": inventory["fy25"].pk, "decimal_separator": "auto",
                                        "file": upload(csv_bytes(GAS, FLIGHTS))})
    assert response.status_code == 302
    with in_tenant(inventory["tenant"]):
        job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.uuid}/"
    with in_tenant(inventory["tenant"]):
        import_run(job.pk)
    page = client.get(response.url).content.decode()
    assert 'data-testid="imported-rows">2<' in page and "See the activities of FY2025" in page
    assert 'href="/inventory/activities/?period=' in page


def test_the_page_shows_upload_problems_next_to_the_fields(inventory, people, client_for, in_tenant):
    client = client_for(people["officer"], inventory["tenant"])
    locked = client.post(UPLOAD, {"period": inventory["fy24"].pk, "decimal_separator": "auto",
                                  "file": upload(csv_bytes(GAS))})
    assert locked.status_code == 200 and "FY2024 is locked" in locked.content.decode()
    wrong_type = client.post(UPLOAD, {"period": inventory["fy25"].pk, "decimal_separator": "auto",
                                      "file": upload(b"x", "activities.xls")})
    assert ".xls files are not accepted" in wrong_type.content.decode()
    with in_tenant(inventory["tenant"]):
        assert ImportJob.objects.count() == 0


def test_the_page_explains_what_is_missing_before_an_import(tenant_a, people, client_for):
    html = client_for(people["officer"], tenant_a).get(UPLOAD).content.decode()
    assert "Create a reporting period first" in html and 'data-testid="import-form"' not in html


def test_the_upload_page_needs_the_edit_capability(inventory, people, client_for):
    assert client_for(people["accountant"], inventory["tenant"]).get(UPLOAD).status_code == 403
    assert client_for(people["auditor"], inventory["tenant"]).post(
        UPLOAD, {"period": inventory["fy25"].pk, "file": upload(csv_bytes(GAS))}).status_code == 403


def test_outsiders_never_see_the_upload_page(inventory, owner_b, client_for):
    # Charlie (owner of Beta) must see nothing of Alpha's, not even that the page exists.
    assert client_for(owner_b, inventory["tenant"]).get(UPLOAD).status_code == 404
    anonymous = client_for(None, inventory["tenant"]).get(UPLOAD)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")


# ---------------------------------------------------------------- size
@pytest.mark.slow
def test_a_100000_row_file_imports(inventory, in_tenant):
    lines = ["facility,scope,scope1_type,energy_type,scope3_category,description,quantity,unit,factor"]
    kinds = [("LDS,1,stationary,,,Gas meter {n},{q},kWh (Gross CV),desnz-2025:1_100_1004_6_1"),
             ("OH1,2,,electricity,,Electricity meter {n},{q},kWh,"),
             ("LDS,3,,,6,Trip {n},{q},passenger.km,desnz-2025:21_316_3164_11_1")]
    for n in range(100_000):
        lines.append(kinds[n % 3].format(n=n, q=f"{1000 + n % 997}.{n % 100:02d}"))
    content = ("\r\n".join(lines) + "\r\n").encode()
    with in_tenant(inventory["tenant"]):
        started = time.perf_counter()
        job = run(inventory, content)
        seconds = time.perf_counter() - started
        assert job.status == "succeeded", job.errors_preview[:3]
        assert ActivityRecord.objects.filter(import_job=job).count() == 100_000
        assert job.imported_rows == 100_000 and job.total_rows == 100_000
    assert seconds < 60


# ---------------------------------------------------------------- a real worker
@pytest.mark.worker
@pytest.mark.slow
def test_a_real_worker_imports_an_uploaded_file(celery_worker, tenancy, factor_library, django_db_blocker):
    from django_tenants.utils import tenant_context

    from tests.live import committed

    tenant = tenancy["beta"]
    owner = tenancy["owner_b"]

    def prepare():
        with tenant_context(tenant):
            period = services.period_create(actor=owner, data=dict(
                name="FY2030 worker", year=2025, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)))
            services.facility_create(actor=owner, data=dict(name="Worker test site", code="WTS", country="GB"))
            return period.pk

    def request(period_id):
        with tenant_context(tenant):
            return import_request(importer_code="inventory.activities",
                                  uploaded_file=upload(csv_bytes(dict(GAS, facility="WTS"),
                                                                 dict(FLIGHTS, facility="WTS"))),
                                  params={"period": period_id}, actor=owner)  # commits, then the task is queued

    def job_now(pk):
        with tenant_context(tenant):
            return ImportJob.objects.get(pk=pk)

    def clean_up(period_id):
        # The rows were committed for the worker to see: remove them for the tests that follow.
        with tenant_context(tenant):
            for record in ActivityRecord.objects.filter(period_id=period_id):
                services.activity_delete(activity=record, actor=owner)
            services.period_delete(period=ReportingPeriod.objects.get(pk=period_id), actor=owner)
            services.facility_delete(facility=Facility.objects.get(code="WTS"), actor=owner)

    with django_db_blocker.unblock():
        period_id = committed(prepare)
        try:
            job = committed(request, period_id)
            deadline = time.monotonic() + 60
            while not (done := job_now(job.pk)).is_finished and time.monotonic() < deadline:
                time.sleep(0.2)
            assert done.status == "succeeded", (done.error, done.errors_preview, done.status)
            with tenant_context(tenant):
                records = ActivityRecord.objects.filter(import_job_id=job.pk)
                assert records.count() == 2 and sum(r.emissions_kg for r in records) == D("22870") + D("4590.24")
                entries = AuditEntry.objects.filter(action="inventory.import.committed", object_id=str(job.pk))
                assert entries.count() == 1
        finally:
            committed(clean_up, period_id)


def test_the_same_file_is_not_imported_twice_while_its_rows_exist(tenant_a, people, in_tenant, factor_library):
    """Importing a file again would count every line twice (review finding)."""
    import datetime as dt
    from decimal import Decimal

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from factortrace.imports import import_request, import_run
    from regimes.inventory import services
    from regimes.inventory.models import ActivityRecord

    content = (b"facility,scope,energy_type,description,quantity,unit\n"
               b"DUP,2,electricity,Grid,1000,kWh\n")
    with in_tenant(tenant_a):
        owner = people["owner"]
        period = services.period_create(actor=owner, data=dict(name="FY2031", year=2025, start=dt.date(2031, 1, 1),
                                                               end=dt.date(2031, 12, 31), net_revenue=Decimal(1)))
        services.facility_create(actor=owner, data=dict(name="Dup site", code="DUP", country="GB"))
        params = {"period": period.pk, "decimal_separator": "auto"}
        job = import_request(importer_code="inventory.activities", uploaded_file=SimpleUploadedFile("a.csv", content),
                             params=params, actor=owner)
        assert import_run(job.pk).status == "succeeded"
        with pytest.raises(ValidationError, match="already imported"):
            import_request(importer_code="inventory.activities", uploaded_file=SimpleUploadedFile("b.csv", content),
                           params=params, actor=owner)
        for activity in ActivityRecord.objects.filter(import_job=job):
            services.activity_delete(activity=activity, actor=owner)
        again = import_request(importer_code="inventory.activities", uploaded_file=SimpleUploadedFile("c.csv", content),
                               params=params, actor=owner)
        assert again.pk != job.pk
