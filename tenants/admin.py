from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from factortrace.audit.admin import TenantModelAdmin
from factortrace.core.admin import ServiceRefusalAsMessageMixin, platform_admin, tenant_admin

from . import services
from .models import Domain, Invitation, Membership, Plan, Tenant


# ---------------------------------------------------------------- platform operators
class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant, site=platform_admin)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "schema_name", "country", "plan", "is_demo", "created"]
    list_filter = ["plan", "country", "is_demo"]
    search_fields = ["name", "slug", "legal_name", "lei", "eori"]
    readonly_fields = ["schema_name", "created"]
    inlines = [DomainInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a tenant's data is dropped by an operator, deliberately, outside the UI


@admin.register(Plan, site=platform_admin)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "api_requests_per_minute", "max_members", "monthly_price_eur"]


@admin.register(Domain, site=platform_admin)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]


@admin.register(Membership, site=platform_admin)
class PlatformMembershipAdmin(ServiceRefusalAsMessageMixin, admin.ModelAdmin):
    """Operators' changes go through the same services, so they reach the tenant's audit trail."""

    list_display = ["user", "tenant", "role", "created"]
    list_filter = ["role", "tenant"]
    search_fields = ["user__email", "tenant__name"]
    raw_id_fields = ["user", "tenant"]
    fields = ["user", "tenant", "role"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return ["user", "tenant"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.membership_set_role(membership=Membership.objects.get(pk=obj.pk), role=obj.role,
                                         actor=request.user)
        else:
            saved = services.membership_add(tenant=obj.tenant, user=obj.user, role=obj.role, actor=request.user)
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj, actor=request.user)


# ---------------------------------------------------------------- tenant admins
@admin.register(Membership, site=tenant_admin)
class MembershipAdmin(TenantModelAdmin):
    """This tenant's members only; the user column never offers other tenants' people."""

    list_display = ["email", "name", "role", "created"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["email", "name", "role", "created"]
    readonly_fields = ["email", "name", "created"]

    @admin.display(ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(ordering="user__full_name")
    def name(self, obj):
        return obj.user.full_name

    def get_queryset(self, request):
        return Membership.objects.filter(tenant=request.tenant).select_related("user")

    def has_add_permission(self, request):
        return False  # people join by invitation (Members page)

    def save_model(self, request, obj, form, change):
        # A refusal (last owner, a role one may not grant) is shown on the page by
        # TenantModelAdmin.changeform_view; nothing is saved.
        try:
            services.membership_set_role(membership=Membership.objects.get(pk=obj.pk), role=obj.role,
                                         actor=request.user, actor_membership=request.membership)
        except PermissionDenied as exc:
            raise ValidationError(str(exc) or "You may not grant that role.") from exc

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj, actor=request.user, actor_membership=request.membership)
        except PermissionDenied as exc:
            raise ValidationError(str(exc) or "You may not remove this member.") from exc


@admin.register(Invitation, site=tenant_admin)
class InvitationAdmin(TenantModelAdmin):
    list_display = ["email", "role", "status", "created", "expires_at"]
    fields = ["email", "role", "created", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return Invitation.objects.filter(tenant=request.tenant)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
