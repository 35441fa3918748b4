"""The identifier checks with real valid and invalid examples."""

import pytest

from webapp.customers.validators import (
    is_credit_code,
    is_mobile,
    is_resident_id,
    mask_resident_id,
    normalise_mobile,
)


@pytest.mark.parametrize(
    "value", ["13812345678", "199 0000 1234", "+86 186-1234-5678", "008615012345678"]
)
def test_mainland_mobiles_pass(value):
    """11 digits from 13x to 19x, with spaces, dashes or +86 tolerated."""
    assert is_mobile(value)


@pytest.mark.parametrize(
    "value", ["12812345678", "1381234567", "138123456789", "021-58881234", "", "1381234567a"]
)
def test_other_numbers_fail(value):
    """Landlines, 12x, wrong lengths and letters are not mobiles."""
    assert not is_mobile(value)


def test_normalise_mobile_strips_prefix_and_separators():
    """+86 and separators go; the 11 digits stay."""
    assert normalise_mobile("+86 138-1234-5678") == "13812345678"


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100-2015
        "91110000802100433B",  # a real Beijing enterprise's code
        "91110000802100433b",  # lower case is accepted and upper-cased
    ],
)
def test_real_credit_codes_pass(code):
    """Well-formed codes whose check character matches."""
    assert is_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # real format, wrong check character
        "91110000802100433A",  # real format, wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100I43",  # I is not in the code's alphabet
        "9135010OM000100Y43",  # letter O where digits belong (region code)
        "",
    ],
)
def test_bad_credit_codes_fail(code):
    """A wrong check character, length or character is refused."""
    assert not is_credit_code(code)


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "440524188001010014", "11010519491231002x"]
)
def test_real_resident_ids_pass(value):
    """The GB 11643 example and another real-format number."""
    assert is_resident_id(value)


@pytest.mark.parametrize(
    "value",
    ["110105194912310021", "110105194913310024", "320311770706001", "11010519491231002Y"],
)
def test_bad_resident_ids_fail(value):
    """Wrong check character, impossible month, 15-digit old format, bad letter."""
    assert not is_resident_id(value)


def test_resident_id_is_never_shown_in_full():
    """Only the first three and last four characters show."""
    assert mask_resident_id("11010519491231002X") == "110***********002X"


FULL_WIDTH = str.maketrans("0123456789X+-", "０１２３４５６７８９Ｘ＋－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("table", [FULL_WIDTH, ARABIC_INDIC, DEVANAGARI])
def test_identifiers_typed_in_other_digits_become_ascii(table):
    """Full-width, Arabic-Indic or any Unicode decimal digits: the same identifier in ASCII."""
    from webapp.customers.validators import normalise_code

    assert normalise_mobile("+86 138-1234-5678".translate(table)) == "13812345678"
    assert normalise_code("11010519491231002X".translate(table)) == "11010519491231002X"
    assert normalise_code("91350100M000100Y43".translate(table)) == "91350100M000100Y43"
    assert normalise_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert is_mobile("13812345678".translate(table))
    assert is_resident_id("11010519491231002X".translate(table))


def test_normalising_does_not_make_a_number_out_of_letters():
    """Only digits are folded: a letter or a second number in the field is still refused."""
    assert not is_mobile("１３８１２３４５６７a")
    assert not is_mobile("一三八一二三四五六七八")  # Chinese numerals are words, not digits
    assert not is_resident_id("１１０１０５１９４９１２３１００２Ｙ")
