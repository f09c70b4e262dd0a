"""Benchmark: importing 100,000 CSRD activity rows (validated, converted, calculated, committed)
beside PostgreSQL COPY of the same rows into a bare table, in the same run.

    .venv/bin/python scripts/devservices.py up
    .venv/bin/python bench/bench_csrd_import.py [--rows 100000] [--xlsx]

Runs against the development database (var/services.env; the factor library must be loaded,
as `make run` does). A bench tenant is created by cloning the template schema, given a period,
three facilities and a custom factor, and dropped at the end with its files.

The import goes through the service the Celery task runs (``factortrace.imports.services.import_run``:
stream the file, check every row, resolve factors, convert units, calculate, spool, COPY,
one audit entry) — only the queueing is left out. Factors are half given by ID and half
resolved (grid electricity by region, fuels and hotels by keywords), in mixed scopes and units.

Goals (issue 5): at least 20,000 rows/s; no more than 5× the COPY time; peak RSS of the
importing process under 400 MB (the file is streamed, never loaded whole); the ESRS E1 PDF of
that inventory in under 10 s (timed beside the tenant summary PDF; the iXBRL is timed too,
without the Arelle validation, which takes ~20 s for any size and is measured by the tests).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "factortrace.settings.base"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from factors.custom.services import custom_factor_create  # noqa: E402
from factors.models import EmissionFactor  # noqa: E402
from factortrace.imports import services as imports  # noqa: E402
from factortrace.imports.copywriter import CopyWriter  # noqa: E402
from factortrace.imports.services import import_request, import_run  # noqa: E402
from regimes.inventory import services  # noqa: E402
from regimes.inventory.importing import ActivityImporter  # noqa: E402
from regimes.inventory.models import ActivityRecord, Facility, ReportingPeriod  # noqa: E402
from reports.services import report_request, report_run  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import template_schema_ensure, tenant_create  # noqa: E402

GOAL_ROWS_PER_S = 20_000
GOAL_RATIO = 5.0
GOAL_MB = 400
HEADER = ["facility", "scope", "scope1_type", "energy_type", "scope3_category", "description", "quantity", "unit",
          "factor", "factor_keywords", "data_quality", "ets_regulated", "notes"]
NEEDED = [("desnz-2025", "1_100_1004_6_1"), ("desnz-2025", "21_316_3164_11_1"), ("desnz-2025", "25_301_3069_4_1"),
          ("epa-hub-2025", "t1:natural-gas:mmbtu"), ("epa-supply-chain-v1-3", "331110")]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def kinds(custom_id: int) -> list[tuple]:
    """(weight, row template) — a manufacturer's year: meters, fleet, grid, travel, spend."""
    return [
        (18, dict(facility="LDS", scope="1", scope1_type="stationary", description="Natural gas, meter {n}",
                  unit="kWh (Gross CV)", factor="desnz-2025:1_100_1004_6_1", data_quality="measured")),
        (8, dict(facility="OH1", scope="1", scope1_type="stationary", description="Natural gas, boiler house {n}",
                 unit="mmBtu (Gross CV)", factor="epa-hub-2025:t1:natural-gas:mmbtu", data_quality="measured",
                 ets_regulated="no")),
        (10, dict(facility="Leeds plant", scope="1", scope1_type="mobile", description="Diesel, van {n}",
                  unit="litres", factor_keywords="diesel average biofuel blend", data_quality="measured")),
        (4, dict(facility="LDS", scope="1", scope1_type="mobile", description="Petrol, pool car {n}", unit="litres",
                 factor_keywords="petrol average biofuel blend", data_quality="calculated")),
        (14, dict(facility="LDS", scope="2", energy_type="electricity", description="Electricity, meter {n}",
                  unit="kWh", data_quality="measured")),
        (10, dict(facility="OH1", scope="2", energy_type="electricity", description="Electricity, feeder {n}",
                  unit="MWh", data_quality="measured", notes="Utility bill, \"estimated\" read")),
        (12, dict(facility="LDS", scope="3", scope3_category="6", description="Flight {n}, short-haul economy",
                  unit="passenger.km", factor="desnz-2025:21_316_3164_11_1", data_quality="calculated")),
        (6, dict(facility="LDS", scope="3", scope3_category="6", description="Hotel night {n}",
                 unit="room per night", factor_keywords="hotel stay", data_quality="calculated")),
        (8, dict(facility="LDS", scope="3", scope3_category="7", description="Commuting, employee {n}", unit="km",
                 factor="desnz-2025:25_301_3069_4_1", data_quality="estimated")),
        (6, dict(facility="OH1", scope="3", scope3_category="1", description="Steel purchase order {n}",
                 unit="USD", factor="epa-supply-chain-v1-3:331110", data_quality="estimated",
                 notes="Spend-based, 2022 USD")),
        (4, dict(facility="FRA", scope="3", scope3_category="1", description="Aluminium profiles, lot {n}",
                 unit="tonnes", factor=f"custom:{custom_id}", data_quality="calculated",
                 notes="Supplier EPD, S-P-01234")),
    ]


def write_csv(path: Path, rows: int, custom_id: int) -> None:
    """Streamed to disk: the benchmark never holds the file in memory either."""
    rng = random.Random(2025)
    table = kinds(custom_id)
    templates = [t for weight, t in table for _ in range(weight)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(rows):
            template = templates[rng.randrange(len(templates))]
            quantity = f"{rng.randint(1, 250_000)}.{rng.randint(0, 99):02d}"
            row = {**template, "description": template["description"].format(n=n), "quantity": quantity}
            writer.writerow([row.get(name, "") for name in HEADER])


def write_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Activities")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for index, row in enumerate(csv.reader(handle)):
            if index:
                row[6] = float(row[6])
            sheet.append(row)
    book.save(xlsx_path)


def prepare(owner) -> tuple[int, int]:
    period = services.period_create(actor=owner, data=dict(name="FY2025", year=2025, start=dt.date(2025, 1, 1),
                                                           end=dt.date(2025, 12, 31)))
    services.facility_create(actor=owner, data=dict(name="Leeds plant", code="LDS", country="GB"))
    services.facility_create(actor=owner, data=dict(name="Ohio plant", code="OH1", country="US", grid_region="RFCW"))
    services.facility_create(actor=owner, data=dict(
        name="Frankfurt JV", code="FRA", country="DE", consolidation=Facility.Consolidation.EQUITY,
        equity_share=Decimal(51)))
    custom = custom_factor_create(actor=owner, data=dict(
        kind="supplier", supplier="Rheinalu GmbH", source_name="EPD S-P-01234 (2025)", scope="3",
        activity="Aluminium extrusion profiles", region="DE", year=2025, unit="tonnes",
        kgco2e_per_unit=Decimal("6.83")))
    return period.pk, custom.pk


def timed_import(path: Path, period_id: int, owner) -> tuple[float, dict, object]:
    """import_run as the task runs it; returns (total s, phase seconds, job)."""
    phases = {"stream": 0.0, "finish": 0.0}
    check, finish = imports._check, CopyWriter.finish

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - started
        return wrapper

    with path.open("rb") as handle, mock.patch("factortrace.imports.tasks.run_import.apply_async"):
        job = import_request(importer_code=ActivityImporter.code, uploaded_file=File(handle, name=path.name),
                             params={"period": period_id, "decimal_separator": "auto"}, actor=owner)
    with mock.patch.object(imports, "_check", timed("stream", check)), \
            mock.patch.object(CopyWriter, "finish", timed("finish", finish)):
        started = time.perf_counter()
        job = import_run(job.pk)
        seconds = time.perf_counter() - started
    if job.status != "succeeded":
        raise SystemExit(f"import failed: {job.error or job.errors_preview[:5]}")
    phases["rest"] = seconds - phases["stream"] - phases["finish"]
    return seconds, phases, job


def copy_baseline(job) -> tuple[float, int]:
    """The same rows, as PostgreSQL holds them, COPYed into a bare table (no index, no constraint)."""
    columns = [*ActivityImporter.fields, "row_number", "import_job_id", "created_at", "created_by_id", "updated_at",
               "updated_by_id"]
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = f"bench_copy_{uuid.uuid4().hex[:8]}"
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY (SELECT {column_list} FROM inventory_activityrecord WHERE import_job_id = {job.pk}) "
                         "TO STDOUT") as copy:
            for chunk in copy:
                buffer.write(chunk)
        cursor.execute(f"CREATE TABLE {table} AS SELECT {column_list} FROM inventory_activityrecord WITH NO DATA")
        data = buffer.getvalue()
        started = time.perf_counter()
        with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
            for offset in range(0, len(data), 1 << 20):
                copy.write(data[offset:offset + (1 << 20)])
        seconds = time.perf_counter() - started
        cursor.execute(f"SELECT count(*) FROM {table}")
        count = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {table}")
    return seconds, count


def timed_reports(period_id: int, owner) -> dict:
    """The ESRS E1 PDF (and iXBRL, without Arelle) for the imported inventory, beside the small
    tenant summary PDF as the baseline of WeasyPrint's fixed cost, in the same run."""
    ReportingPeriod.objects.filter(pk=period_id).update(net_revenue=Decimal("250000000"))  # E1-6 §53 denominator
    timings = {}
    for label, kind, fmt, params in (("tenant summary PDF (baseline)", "platform.tenant_summary", "pdf", {}),
                                     ("ESRS E1 PDF", "csrd.esrs_e1", "pdf", {"period": period_id}),
                                     ("ESRS E1 iXBRL", "csrd.esrs_e1", "xhtml", {"period": period_id})):
        with mock.patch("reports.services.enqueue_on_commit"), \
                mock.patch.dict(os.environ, {"ESRS_TAXONOMY_DIR": "/nonexistent"}):
            report = report_request(kind_code=kind, fmt=fmt, params=params, actor=owner)
            started = time.perf_counter()
            report = report_run(report.pk)
        assert report.status == "succeeded", report.error
        timings[label] = (time.perf_counter() - started, report.size)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also import the same rows as an .xlsx workbook")
    args = parser.parse_args()
    missing = [f"{s}:{e}" for s, e in NEEDED if not EmissionFactor.objects.filter(source__code=s, external_id=e)
               .exists()]
    if missing:
        raise SystemExit(f"The factor library is not loaded ({', '.join(missing)} missing): "
                         "run `manage.py load_factors` first.")
    template_schema_ensure()  # the bench tenant is cloned from it: apply any new tenant migration
    owner, _ = get_user_model().objects.get_or_create(email="bench-owner@bench.example")
    slug = f"bench-import-{uuid.uuid4().hex[:6]}"
    tenant = tenant_create(name=f"Bench {slug}", slug=slug, country="GB", owner=owner)
    workdir = Path(tempfile.mkdtemp(prefix="ft-bench-import-"))
    try:
        with tenant_context(tenant):
            period_id, custom_id = prepare(owner)
            source = workdir / "activities.csv"
            started = time.perf_counter()
            write_csv(source, args.rows, custom_id)
            generated = time.perf_counter() - started
            size_mb = source.stat().st_size / 1024 / 1024
            baseline_mb = rss_mb()
            seconds, phases, job = timed_import(source, period_id, owner)
            peak = peak_rss_mb()
            stored = ActivityRecord.objects.filter(import_job=job).count()
            copy_seconds, copied = copy_baseline(job)
            by_scope = dict(ActivityRecord.objects.filter(import_job=job).values_list("scope")
                            .annotate(n=django.db.models.Count("id")).order_by("scope"))
            resolved = ActivityRecord.objects.filter(import_job=job, factor_reason__startswith="Given by ID").count()
            report_seconds = timed_reports(period_id, owner)
            xlsx = None
            if args.xlsx:
                workbook = workdir / "activities.xlsx"
                write_xlsx(source, workbook)
                xlsx_seconds, _, xlsx_job = timed_import(workbook, period_id, owner)
                xlsx = (xlsx_seconds, workbook.stat().st_size / 1024 / 1024, peak_rss_mb())
    finally:
        connection.set_schema_to_public()
        Tenant.objects.get(pk=tenant.pk).delete(force_drop=True)
        connection.set_schema_to_public()
        shutil.rmtree(Path(settings.MEDIA_ROOT) / tenant.schema_name, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)

    assert stored == copied == args.rows, (stored, copied)
    rate = args.rows / seconds
    copy_rate = args.rows / copy_seconds
    ratio = seconds / copy_seconds
    print(f"CSRD activity import benchmark — PostgreSQL {connection.cursor().connection.info.server_version}, "
          f"Python {sys.version.split()[0]}")
    print(f"  file            {args.rows:,} rows, {size_mb:.1f} MB CSV (generated in {generated:.1f} s); "
          f"scopes {by_scope}; factor by ID {resolved:,}, resolved {args.rows - resolved:,}")
    print(f"  import          {seconds:6.2f} s   {rate:10,.0f} rows/s")
    print(f"    read, check, calculate, COPY in parallel       {phases['stream']:6.2f} s")
    print(f"    end of COPY (PostgreSQL catching up)          {phases['finish']:6.2f} s")
    print(f"    audit entry, COMMIT (foreign-key checks), rest {phases['rest']:6.2f} s")
    print(f"  COPY, bare      {copy_seconds:6.2f} s   {copy_rate:10,.0f} rows/s   (same rows, table without "
          "indexes or constraints)")
    print(f"  ratio           {ratio:6.2f}x the COPY time")
    print(f"  peak RSS        {peak:6.0f} MB  (process before the import {baseline_mb:.0f} MB)")
    if xlsx:
        print(f"  xlsx            {xlsx[0]:6.2f} s   {args.rows / xlsx[0]:10,.0f} rows/s   ({xlsx[1]:.1f} MB workbook, "
              f"read in a child process; peak RSS of this process {xlsx[2]:.0f} MB, which wrote it)")
    for label, (report_s, size) in report_seconds.items():
        print(f"  report          {report_s:6.2f} s   {label} of the {args.rows:,}-row inventory "
              f"({size / 1024:,.0f} KB)")
    checks = [("rows/s", rate >= GOAL_ROWS_PER_S, f">= {GOAL_ROWS_PER_S:,}"),
              ("E1 PDF", report_seconds["ESRS E1 PDF"][0] < 10, "< 10 s"),
              ("ratio", ratio <= GOAL_RATIO, f"<= {GOAL_RATIO:.0f}x COPY"),
              ("peak RSS", peak < GOAL_MB, f"< {GOAL_MB} MB")]
    print("  goals           " + "; ".join(f"{name} {goal}: {'met' if ok else 'NOT met'}" for name, ok, goal in checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
