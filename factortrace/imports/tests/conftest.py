"""Fixtures of the import framework's tests: tenant A with batches to import items into, through
the test importer ``sample.items`` (``sample/importing.py``, an app of the test settings only)."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = "site,quantity,unit,organic,notes\r\n"
GOOD_CSV = (HEADER + "LDS,125000,kg,yes,first delivery\r\n"
            "OHI,36.5,t,,\r\n").encode()
# Row 3 has five problems: a site that is no code, a negative quantity, an unknown unit, a
# boolean that is neither, and a formula.
BAD_CSV = (HEADER + "LDS,12,kg,,\r\n"
           "P4ris,-5,zorkmids,maybe,\"=HYPERLINK(\"\"http://evil.example\"\")\"\r\n").encode()


@pytest.fixture
def importing(tenant_a, people, in_tenant):
    """Tenant A with an open batch (B1) and a locked one (B0); ``job(content)`` uploads a file as
    the officer (queued), ``run(content)`` uploads and runs it, ``items()`` lists what is stored."""
    from factortrace.imports import import_request, import_run
    from factortrace.imports.tests.sample.models import Batch, Item

    officer = people["officer"]
    with in_tenant(tenant_a):
        open_batch = Batch.objects.create(name="B1")
        locked = Batch.objects.create(name="B0", locked=True)

    def job(content: bytes, name: str = "items.csv", importer: str = "sample.items", **params):
        with in_tenant(tenant_a):
            return import_request(importer_code=importer, uploaded_file=SimpleUploadedFile(name, content),
                                  params={"batch": open_batch.pk, **params}, actor=officer)

    def run(content: bytes, name: str = "items.csv", **params):
        queued = job(content, name, **params)
        with in_tenant(tenant_a):
            return import_run(queued.pk)

    def items():
        with in_tenant(tenant_a):
            return list(Item.objects.order_by("row_number").values_list("site", "quantity", "unit", "row_number"))

    return {"tenant": tenant_a, "in_tenant": in_tenant, "batch": open_batch, "locked": locked, "job": job, "run": run,
            "items": items, "officer": officer}
