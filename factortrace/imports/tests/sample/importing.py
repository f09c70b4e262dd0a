"""The test importer: items (site, quantity, unit, organic, notes) into one batch.

It exercises what a real importer uses — a parameter form (the batch, refused when locked), a
per-job context, a lock re-checked before the commit, the typed accessors, pre-encoded shared
values — and nothing of any regime. ``sample.slow`` sleeps on each row (``pause`` seconds, a
parameter), for tests that need an import to be running for a while.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from django import forms

from factortrace.imports import Column, Importer, ImportFileError, copy_encoded, register

from .models import Batch, Item

UNITS = {"kg": "kg", "kilogram": "kg", "t": "t", "tonne": "t", "tonnes": "t", "l": "l", "litre": "l"}


class BatchForm(forms.Form):
    batch = forms.ModelChoiceField(queryset=Batch.objects.all(), help_text="The batch the items belong to.")
    pause = forms.DecimalField(required=False, min_value=0, max_value=5, help_text="Seconds per row (tests).")

    def clean_batch(self):
        batch = self.cleaned_data["batch"]
        if batch.locked:
            raise forms.ValidationError(f"{batch.name} is locked.")
        return batch


@dataclass
class Context:
    batch: Batch
    batch_value: str
    pause: float
    sites: set


class SampleImporter(Importer):
    code = "sample.items"
    regime = "sample"
    title = "Sample items"
    description = "Items of a batch (tests of the import framework)."
    columns = (
        Column("site", "Site", "A site code, two to twenty letters.", "LDS", required=True),
        Column("quantity", "Quantity", "How much, zero or more, at most 6 decimals.", "12.5", required=True),
        Column("unit", "Unit", "kg, t or l.", "kg", required=True, choices=("kg", "t", "l")),
        Column("organic", "Organic", "yes or no.", "no"),
        Column("notes", "Notes", "Anything, at most 300 characters.", ""),
    )
    params_form = BatchForm
    model = Item
    fields = ("batch_id", "site", "quantity", "unit", "organic", "notes")
    audit_action = "sample.import.committed"
    sheet_title = "Items"

    def params_from_cleaned(self, cleaned: dict) -> dict:
        params = {"batch": cleaned["batch"].pk, "batch_name": cleaned["batch"].name}
        if cleaned.get("pause"):
            params["pause"] = str(cleaned["pause"])
        return params

    def describe_params(self, params: dict) -> list[tuple[str, str]]:
        return [("Batch", params.get("batch_name", ""))]

    def prepare(self, job) -> Context:
        batch = Batch.objects.filter(pk=job.parameters.get("batch")).first()
        if batch is None:
            raise ImportFileError("The batch of this import no longer exists.")
        return Context(batch=batch, batch_value=copy_encoded(batch.pk), pause=float(job.parameters.get("pause", 0)),
                       sites=set())

    def lock(self, context: Context) -> None:
        batch = Batch.objects.select_for_update().get(pk=context.batch.pk)
        if batch.locked:
            raise ImportFileError(f"{batch.name} was locked while the file was checked; nothing was imported.")

    def parse_row(self, row, context: Context):
        if context.pause:
            time.sleep(context.pause)
        site = row.text("site", required=True, max_length=20)
        if site and not (2 <= len(site) <= 20 and site.isalpha()):
            row.error("site", f"'{site}' is not a site code (two to twenty letters)")
        quantity = row.decimal("quantity", required=True, max_digits=18, decimal_places=6)
        if quantity is not None and quantity < 0:
            row.error("quantity", "must not be negative")
        unit = row.choice("unit", UNITS, required=True, accepted="kg, t or l")
        organic = row.boolean("organic")
        notes = row.text("notes", max_length=300)
        if row.errors:
            return ()
        return (context.batch_value, site.upper(), quantity, unit, organic, notes)

    def audit_details(self, context: Context) -> dict:
        return {"batch": context.batch.name}

    def result_links(self, job) -> list[tuple[str, str]]:
        return [("See the items", "/items/")]


class SlowImporter(SampleImporter):
    code = "sample.slow"
    title = "Slow sample items"


register(SampleImporter())
register(SlowImporter())
