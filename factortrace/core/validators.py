"""Validators for identifiers every regime uses: ISO countries, LEI, EORI.

Each raises ``ValidationError`` with a message that names what is wrong, so forms,
imports and the API can show it next to the field or row.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError

_COUNTRIES_CSV = Path(__file__).parent / "data" / "iso3166_countries.csv"
# Kosovo uses the user-assigned code XK in EU practice (CBAM default tables, TRACES) but is not
# in ISO 3166-1 itself.
_EXTRA_CODES = {"XK": "Kosovo"}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → short English name (data: datasets/country-codes, PDDL)."""
    with _COUNTRIES_CSV.open(encoding="utf-8", newline="") as fh:
        # keep_default_na matters in pandas; csv keeps Namibia's "NA" as the string it is.
        result = {row["iso2"]: row["short_name_cldr"] for row in csv.DictReader(fh)}
    result.update(_EXTRA_CODES)
    return dict(sorted(result.items(), key=lambda item: item[1]))


def country_choices() -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in countries().items()]


def validate_country(value: str) -> None:
    if value not in countries():
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB, US).",
            code="invalid_country", params={"value": value or "(empty)"},
        )


def lei_is_valid(value: str) -> bool:
    """ISO 17442: 18 alphanumerics + 2 check digits, ISO 7064 MOD 97-10 over the whole code."""
    if not re.fullmatch(r"[A-Z0-9]{18}[0-9]{2}", value or ""):
        return False
    digits = "".join(str(int(ch, 36)) for ch in value)
    return int(digits) % 97 == 1


def validate_lei(value: str) -> None:
    if not re.fullmatch(r"[A-Z0-9]{20}", value or ""):
        raise ValidationError("An LEI has 20 characters, capital letters and digits only.", code="invalid_lei")
    if not lei_is_valid(value):
        raise ValidationError("The LEI's check digits do not match (ISO 17442).", code="invalid_lei")


_EORI = re.compile(r"(?P<country>[A-Z]{2})(?P<number>[A-Z0-9]{1,15})")


def validate_eori(value: str) -> None:
    """EORI: ISO country prefix + up to 15 alphanumerics (Commission Delegated Reg. (EU) 2015/2446
    Art. 1(18) and the EORI specification). ``XI`` is Northern Ireland, valid in EU customs."""
    match = _EORI.fullmatch(value or "")
    if not match:
        raise ValidationError(
            "An EORI number is a 2-letter country code followed by up to 15 letters or digits "
            "(e.g. DE123456789012345).", code="invalid_eori",
        )
    country = match.group("country")
    if country != "XI" and country not in countries():
        raise ValidationError("The EORI number starts with %(country)s, which is not a country code.",
                              code="invalid_eori", params={"country": country})
