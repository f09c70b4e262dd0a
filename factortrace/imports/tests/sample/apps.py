from django.apps import AppConfig


class SampleConfig(AppConfig):
    """A tenant app for the import framework's tests only (listed in the test settings): a small
    table to import into, and its importer in ``importing.py`` — discovered like any app's."""

    name = "factortrace.imports.tests.sample"
    label = "imports_sample"
    verbose_name = "Import tests"
