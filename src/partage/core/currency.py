"""Currencies: ISO 4217 codes with their minor units, or units an organization defines.

A currency is a code and a number of decimals; amounts are integers of its minor unit
(cents for EUR, hundredths of an hour for HOUR with 2 decimals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partage.core.errors import InvalidInput

# Active ISO 4217 codes and their minor units (the standard's own figures, not cash rounding).
_ISO_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_ISO_THREE = "BHD IQD JOD KWD LYD OMR TND"
_ISO_FOUR = "CLF UYW"
_ISO_TWO = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
    "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
    "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED "
    "VES WST XCD XCG YER ZAR ZMW ZWG"
)

ISO_4217: dict[str, int] = {
    **dict.fromkeys(_ISO_TWO.split(), 2),
    **dict.fromkeys(_ISO_ZERO.split(), 0),
    **dict.fromkeys(_ISO_THREE.split(), 3),
    **dict.fromkeys(_ISO_FOUR.split(), 4),
}

_OWN_UNIT = re.compile(r"^[A-Z][A-Z0-9_]{2,11}$")
MAX_OWN_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class Currency:
    """A unit of account: ``code`` and the number of ``decimals`` of its minor unit."""

    code: str
    decimals: int

    @property
    def is_iso(self) -> bool:
        return ISO_4217.get(self.code) == self.decimals


def iso_currency(code: str) -> Currency:
    """The ISO 4217 currency ``code`` (case-insensitive), or ``currency.unknown``."""
    normalized = code.strip().upper()
    if normalized not in ISO_4217:
        raise InvalidInput(
            "currency.unknown",
            f"'{code}' is not an ISO 4217 currency code; "
            "define it as an own unit with its number of decimals",
            field="currency",
        )
    return Currency(normalized, ISO_4217[normalized])


def own_unit(code: str, decimals: int) -> Currency:
    """A unit the organization defines (HOUR, CREDIT…); it may not shadow an ISO code."""
    normalized = code.strip().upper()
    if not _OWN_UNIT.match(normalized):
        raise InvalidInput(
            "currency.bad_code",
            "an own unit's code is 3 to 12 capital letters, digits or '_', starting with a letter",
            field="currency",
        )
    if normalized in ISO_4217:
        raise InvalidInput(
            "currency.shadows_iso",
            f"'{normalized}' is an ISO 4217 code; an own unit needs another name",
            field="currency",
        )
    if not 0 <= decimals <= MAX_OWN_DECIMALS:
        raise InvalidInput(
            "currency.bad_decimals",
            f"an own unit has between 0 and {MAX_OWN_DECIMALS} decimals",
            field="decimals",
        )
    return Currency(normalized, decimals)


def currency_for(code: str, decimals: int | None = None) -> Currency:
    """ISO code when ``decimals`` is None, otherwise an own unit (or the ISO code if it matches)."""
    if decimals is None:
        return iso_currency(code)
    if code.strip().upper() in ISO_4217:
        currency = iso_currency(code)
        if currency.decimals != decimals:
            raise InvalidInput(
                "currency.bad_decimals",
                f"{currency.code} has {currency.decimals} decimals, not {decimals}",
                field="decimals",
            )
        return currency
    return own_unit(code, decimals)
