"""Test data for bulk imports: an :class:`ImportJob` made by ``import_request`` — the upload
checked against the limits and the importer's parameters, stored under the schema with its
SHA-256 and queued on commit — exactly what the upload page and the API do.

    with in_tenant(tenant_a):
        job = ImportJobFactory(kind="sample.items", parameters={"batch": batch.pk}, content=GOOD_CSV)
        import_run(job.pk)

``kind`` is the importer's code; ``content`` the file's bytes and ``original_name`` its name
(``.xlsx`` is read as a workbook); ``requested_by`` the person uploading (the tenant's owner
unless given). The inventory's importer (``inventory.activities``) takes ``{"period": pk}``.
"""
from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from factortrace.imports.models import ImportJob
from factortrace.imports.services import import_request
from tenants.tests.factories import ServiceFactory, current_owner


class ImportJobFactory(ServiceFactory):
    class Meta:
        model = ImportJob

    _service_arguments = ("content",)

    kind = "sample.items"
    parameters = factory.LazyFunction(dict)
    original_name = "items.csv"
    content = b"site,quantity,unit,organic,notes\r\nLDS,1,kg,,\r\n"
    requested_by = factory.LazyFunction(current_owner)
    actor = None  # the job's person is ``requested_by``

    @classmethod
    def _create(cls, model_class, *, kind, parameters, original_name, content, requested_by, actor=None):
        return import_request(importer_code=kind, uploaded_file=SimpleUploadedFile(original_name, content),
                              params=parameters, actor=requested_by)
