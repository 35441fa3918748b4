"""Checks for Chinese identifiers: mainland mobiles, credit codes (GB 32100), ID numbers (GB 11643)."""

import re
import unicodedata

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def ascii_identifier(value: str | None) -> str:
    """An identifier as typed, in ASCII where it was meant: NFKC folds full-width letters and
    digits ("１３８", "Ｘ"), and every Unicode decimal digit (Arabic-Indic "١٣٨", Devanagari...)
    becomes its ASCII digit, so the same number is the same customer however it was typed."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text
    )


def normalise_code(value: str | None) -> str:
    """A credit code or ID number as stored: ASCII (see ascii_identifier), trimmed, upper case."""
    return ascii_identifier(value).strip().upper()


def normalise_mobile(value: str) -> str:
    """A typed mobile number in ASCII digits, without spaces, dashes or a +86 prefix."""
    digits = re.sub(r"[\s-]", "", ascii_identifier(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_mobile(value: str) -> bool:
    """A mainland China mobile number: 11 digits starting 13-19."""
    return bool(MOBILE_RE.match(normalise_mobile(value)))


def uscc_check_char(first17: str) -> str:
    """The check character of a Unified Social Credit Code (GB 32100-2015)."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_credit_code(value: str) -> bool:
    """A well-formed Unified Social Credit Code whose check character is right."""
    code = normalise_code(value)
    return bool(USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


def id_check_char(first17: str) -> str:
    """The check character of an 18-digit resident ID number (GB 11643-1999)."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_resident_id(value: str) -> bool:
    """An 18-character resident ID whose check character and birth date are plausible."""
    code = normalise_code(value)
    if not re.match(r"^[0-9]{17}[0-9X]$", code):
        return False
    month, day = int(code[10:12]), int(code[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return id_check_char(code[:17]) == code[17]


def mask_resident_id(value: str) -> str:
    """Show only the first 3 and last 4 characters of an ID number."""
    if not value:
        return ""
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
