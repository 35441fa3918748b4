"""What each kind of import reads: its columns, their headers, choices and examples."""

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from webapp.auth.models import ROLE_LABELS, Role
from webapp.customers import sheets
from webapp.sales.models import CATEGORY_LABELS, ProductCategory


@dataclass(frozen=True)
class Column:
    """One column of an import file; `target` is where the value goes (customer or sheet)."""

    key: str
    header: object  # a lazy string: the template is written with its Chinese text
    example: str = ""
    required: bool = False
    max_length: int = 0
    choices: tuple = ()  # (stored key, label) pairs offered as a drop-down list
    target: str = "sheet"
    text: bool = True  # written as text in the template, so Excel keeps long numbers whole

    def header_texts(self) -> set[str]:
        """The headers this column is recognised by: its Chinese and English text."""
        texts = {self.key}
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                texts.add(str(self.header))
        return {t.strip().lower() for t in texts}


@dataclass(frozen=True)
class Kind:
    """A kind of import: individual or SME customers."""

    key: str
    label: object
    columns: tuple[Column, ...] = field(default=())

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)


def _choices(pairs) -> tuple:
    return tuple((key, label) for key, label in pairs if key)


OWNER = Column("owner", _l("Owner (username)"), "retail1", max_length=60, target="customer")
NOTES = Column("notes", _l("Notes"), "", max_length=2000)

INDIVIDUAL = Kind(
    "individual",
    _l("Individual customers"),
    (
        Column("name", _l("Name"), "张伟", required=True, max_length=120, target="customer"),
        Column("mobile", _l("Mobile"), "13800138000", target="customer"),
        Column("resident_id", _l("ID number"), "11010519491231002X"),
        OWNER,
        Column("occupation", _l("Occupation"), "教师", max_length=60),
        Column("employer", _l("Employer"), "", max_length=120),
        Column("age_band", _l("Age band"), "u30", choices=_choices(sheets.AGE_BANDS)),
        Column("risk_appetite", _l("Risk appetite"), "c3", choices=_choices(sheets.RISK_LEVELS)),
        NOTES,
    ),
)

SME = Kind(
    "sme",
    _l("SME customers"),
    (
        Column("name", _l("Company name"), "某某贸易有限公司", True, 120, target="customer"),
        Column(
            "credit_code", _l("Unified social credit code"), "91350100M000100Y43", target="customer"
        ),
        Column("contact_name", _l("Contact name"), "李娜", max_length=60),
        Column("mobile", _l("Contact mobile"), "13900139000", target="customer"),
        Column("industry", _l("Industry"), "批发零售", max_length=60),
        Column("address", _l("Address"), "", max_length=200),
        Column("employees", _l("Employees"), "25", text=False),
        Column(
            "turnover_band", _l("Annual turnover"), "t1", choices=_choices(sheets.TURNOVER_BANDS)
        ),
        OWNER,
        NOTES,
    ),
)


def _roles() -> tuple:
    return tuple((r.value, ROLE_LABELS[r]) for r in Role if r is not Role.ADMIN)


def _categories() -> tuple:
    return tuple((c.value, CATEGORY_LABELS[c]) for c in ProductCategory)


STAFF = Kind(
    "staff",
    _l("Staff"),
    (
        Column("username", _l("Username"), "wangfang", required=True, max_length=60),
        Column("name", _l("Name"), "王芳", required=True, max_length=60),
        Column("role", _l("Role"), "wealth_manager", required=True, choices=_roles()),
        Column("mobile", _l("Mobile"), "13700137000"),
        Column("title", _l("Title"), "理财经理", max_length=60),
    ),
)

PROSPECT = Kind(
    "prospect",
    _l("Prospect customers"),
    (
        Column(
            "customer",
            _l("Customer mobile, ID number or credit code"),
            "13800138000",
            required=True,
        ),
        Column("category", _l("Product category"), "fund", required=True, choices=_categories()),
        Column("product_name", _l("Product"), "稳健增利基金", max_length=120),
        Column("expected_amount", _l("Expected amount (yuan)"), "50000", text=False),
        Column("next_follow_up", _l("Next follow-up (YYYY-MM-DD)"), "2026-12-20"),
        Column("potential", _l("Why worth following"), "", max_length=200),
        Column("owner", _l("Owner (username)"), "wealth1", required=True, max_length=60),
    ),
)

KINDS = {kind.key: kind for kind in (INDIVIDUAL, SME, PROSPECT, STAFF)}
# Kinds about customers: matched to existing customers, which an import may update.
CUSTOMER_KINDS = frozenset({"individual", "sme"})
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]
