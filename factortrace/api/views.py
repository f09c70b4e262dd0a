"""Small API views of the platform itself."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeView(APIView):
    """Who am I, in which tenant, with which role — the first call an integration makes. With an
    API key, also the key's name, prefix, scope and expiry."""

    @extend_schema(responses=inline_serializer("Me", {
        "email": serializers.EmailField(), "tenant": serializers.CharField(), "role": serializers.CharField(),
        "auth": serializers.CharField(),
        "key": inline_serializer("MeKey", {
            "name": serializers.CharField(), "prefix": serializers.CharField(),
            "read_only": serializers.BooleanField(), "expires_at": serializers.DateTimeField(allow_null=True),
        }, allow_null=True)}))
    def get(self, request):
        membership = request._request.membership
        key = request.auth if request.auth is not None else None
        return Response({
            "email": request.user.email, "tenant": request.tenant.slug, "role": membership.role,
            "auth": "api_key" if key is not None else "session",
            "key": None if key is None else {
                "name": key.name, "prefix": f"ft_{key.prefix}", "read_only": key.read_only,
                "expires_at": key.expires_at.isoformat() if key.expires_at else None},
        })
