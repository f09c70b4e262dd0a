"""API of tenant custom and supplier-specific factors: /api/v1/factors/custom/."""
from __future__ import annotations

from factors.api import ExactModelSerializer
from factortrace.api.viewsets import ServiceModelViewSet

from .filters import CustomFactorFilter
from .models import CustomFactor
from .services import custom_factor_create, custom_factor_delete, custom_factor_update


class CustomFactorSerializer(ExactModelSerializer):
    class Meta:
        model = CustomFactor
        fields = ["id", "kind", "supplier", "source_name", "reference", "scope", "level1", "level2", "level3",
                  "level4", "activity", "classification", "classification_code", "region", "year", "unit",
                  "kgco2e_per_unit", "co2", "ch4", "n2o", "other", "biogenic_co2", "direct", "indirect", "gwp_basis",
                  "valid_from", "valid_to", "notes", "tenant_notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class CustomFactorViewSet(ServiceModelViewSet):
    """This organisation's custom and supplier-specific factors. Officers and admins write; every
    write is a service call (audited); deletes are soft (an admin can restore)."""

    create_service = staticmethod(lambda model, actor, data: custom_factor_create(actor=actor, data=data))
    update_service = staticmethod(lambda factor, actor, data: custom_factor_update(factor=factor, actor=actor,
                                                                                   data=data))
    delete_service = staticmethod(lambda factor, actor: custom_factor_delete(factor=factor, actor=actor))

    queryset = CustomFactor.objects.order_by("kind", "activity", "id")
    serializer_class = CustomFactorSerializer
    filterset_class = CustomFactorFilter
    ordering_fields = ["activity", "kgco2e_per_unit", "updated_at", "id"]
