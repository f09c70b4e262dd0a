"""Small API views of the platform itself."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeView(APIView):
    """Who am I, in which tenant, with which role — the first call an integration makes."""

    @extend_schema(responses=inline_serializer("Me", {
        "email": serializers.EmailField(), "tenant": serializers.CharField(), "role": serializers.CharField(),
        "auth": serializers.CharField()}))
    def get(self, request):
        membership = request._request.membership
        return Response({"email": request.user.email, "tenant": request.tenant.slug, "role": membership.role,
                         "auth": "api_key" if request.auth is not None else "session"})
