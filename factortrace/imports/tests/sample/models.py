"""What the test importer writes into: items of a batch (a batch can be locked, as a reporting
period can)."""
from django.db import models
from django.utils import timezone

from factortrace.core.models import user_ref


class Batch(models.Model):
    name = models.CharField(max_length=40, unique=True)
    locked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="items")
    site = models.CharField(max_length=20)
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    unit = models.CharField(max_length=10)
    organic = models.BooleanField(default=False)
    notes = models.CharField(max_length=300, blank=True)
    import_job = models.ForeignKey("imports.ImportJob", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    row_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_ref(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = user_ref(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.site} {self.quantity} {self.unit}"
