"""DRF side of API-key auth. The membership middleware already checked the key (it is the one
gate for every tenant request); this class hands DRF the user it found."""
from rest_framework.authentication import BaseAuthentication


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        key = getattr(request._request, "api_key", None)
        if key is None:
            return None
        return (key.user, key)

    def authenticate_header(self, request):
        return 'Api-Key realm="api"'
