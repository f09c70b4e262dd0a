"""Cache key function: the tenant's schema in every key — except sign-in rate limits.

django-tenants' ``make_key`` prefixes keys with the schema so tenants never share entries.
allauth's rate-limit counters ("allauth:rl:…", per account and per IP) must be global: with
the schema in the key, every tenant host (and every new workspace anyone can create) would
start a fresh bucket of failed sign-ins for the same account.
"""
from django_tenants.cache import make_key as tenant_make_key
from django_tenants.cache import reverse_key as tenant_reverse_key

GLOBAL_PREFIXES = ("allauth:rl:",)


def make_key(key, key_prefix, version):
    if str(key).startswith(GLOBAL_PREFIXES):
        return f"-global-:{key_prefix}:{version}:{key}"
    return tenant_make_key(key, key_prefix, version)


def reverse_key(key):
    if key.startswith("-global-:"):
        return key.split(":", 3)[3]
    return tenant_reverse_key(key)
