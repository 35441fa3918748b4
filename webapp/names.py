"""People's names in pinyin order, and found by their pinyin initials.

Every list of people or customers sorts by `sort_key` (stored on Staff and Customer as
`name_key`, so the database sorts and pages in the same order); code point order would put
丁 上 于 任 where a Chinese reader expects 丁 任 上 于."""

from pypinyin import Style, lazy_pinyin

KEY_LENGTH = 255

# Surnames read otherwise than the character's common reading (曾 is zeng as a surname, not
# ceng): the first character of a person's name is read as a surname.
SURNAMES = {
    "曾": ("zeng1", "z"),
    "单": ("shan4", "s"),
    "区": ("ou1", "o"),
    "仇": ("qiu2", "q"),
    "解": ("xie4", "x"),
    "朴": ("piao2", "p"),
    "查": ("zha1", "z"),
    "覃": ("qin2", "q"),
    "缪": ("miao4", "m"),
    "翟": ("zhai2", "z"),
    "乐": ("yue4", "y"),
    "盖": ("ge3", "g"),
    "华": ("hua4", "h"),
    "任": ("ren2", "r"),
    "沈": ("shen3", "s"),
    "柏": ("bai3", "b"),
    "秘": ("bi4", "b"),
    "尉": ("yu4", "y"),
    "长": ("chang2", "c"),
}
INITIALS_LENGTH = 120


def sort_key(name: str | None) -> str:
    """The name's pinyin with tone numbers, syllable by syllable ("li3si4" for 李四).

    Each syllable ends with its tone digit, which sorts before every letter under any collation,
    so 李四 (li3...) comes before 林 (lin2) in SQLite and PostgreSQL alike. Latin letters are
    lowercased; the name itself breaks ties wherever this key is used."""
    name = "".join((name or "").split())
    if not name:
        return ""
    surname = SURNAMES.get(name[0])
    rest = name[1:] if surname else name
    syllables = lazy_pinyin(rest, style=Style.TONE3, neutral_tone_with_five=True)
    key = (surname[0] if surname else "") + "".join(s.lower() for s in syllables)
    return key[:KEY_LENGTH]


def initials(name: str | None) -> str:
    """The first letter of each syllable or word ("zsf" for 张三丰), for search by initials."""
    name = (name or "").strip()
    surname = SURNAMES.get(name[:1])
    parts = lazy_pinyin(name[1:] if surname else name, style=Style.FIRST_LETTER)
    letters = [surname[1]] if surname else []
    for part in parts:
        # A run of Latin letters or digits comes back whole: one initial per word.
        letters.extend(word[0].lower() for word in part.split() if word)
    return "".join(letters)[:INITIALS_LENGTH]


def by_name(name: str | None) -> tuple[str, str]:
    """The key to sort Python rows by a person's name in pinyin order (sorted(key=...))."""
    return sort_key(name), name or ""
