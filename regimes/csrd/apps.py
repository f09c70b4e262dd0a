from django.apps import AppConfig


class CsrdConfig(AppConfig):
    name = "regimes.csrd"
    label = "csrd"
    verbose_name = "CSRD / ESRS E1"
