"""The lead field specification: one entry per field a lead record may carry, and everything the rest
of the product needs to know about it.

The model's column sizes, the API request schemas, the intake validator's and normaliser's limits, the
import column aliases and mapping list, and the public web form's fields all derive from this table,
so a field is added or resized here once (tests/leads/test_fields.py checks that every column agrees).

Pure data: no model import, so pure modules (normalisation, column mapping) may read it outside Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from .choices import LawfulBasis, SizeBand, Stage, Temperature, Timeframe

# What a field holds, which decides how intake reads it:
#   text       free text, tidied by the normaliser       plain     text kept as validated (utm_*)
#   name       a person's name (cased)                   email / phone / url / vat / tax_code
#   country    a country in any language -> ISO alpha-2   language  a language name or code -> code
#   loose      a choice read from common phrasings (leads.parsing); unknown -> kept in quality flags
#   choice     an exact choice value, anything else refused
#   datetime   ISO 8601 date or date-time                ref       a channel slug or campaign id/name
#   payload    kept with the record's source, not on the lead (a form's message)
KINDS = ("text", "plain", "name", "email", "phone", "url", "vat", "tax_code", "country", "language",
         "loose", "choice", "datetime", "ref", "payload")
GROUPS = ("person", "organisation", "address", "source", "qualification", "consent")


@dataclass(frozen=True)
class LeadField:
    """One lead field: its column size, how intake reads it, and how imports and forms name it."""

    name: str
    label: Any                          # translated (lazy); the model's verbose name is this
    kind: str
    group: str
    max_length: int                     # the column size (or the accepted size of a non-column field)
    raw_length: int | None = None       # longer raw input accepted when normalising shortens it
    choices: type[TextChoices] | None = None
    importable: bool = False            # a list column may fill it (import mapping)
    aliases: tuple[str, ...] = ()       # import headers, most specific first; later ones are fallbacks
    column: bool = True                 # a Lead column (message and the references are not text columns)

    @property
    def intake_length(self) -> int:
        """The longest raw value intake accepts for this field (longer is refused, per field)."""
        return self.raw_length or self.max_length

    @property
    def normalised(self) -> bool:
        """The intake normaliser cleans it (plain text, choices, dates and references it does not)."""
        return self.kind not in ("plain", "choice", "datetime", "ref", "payload")


def _f(name: str, label: Any, kind: str, group: str, max_length: int, **extra: Any) -> LeadField:
    return LeadField(name, label, kind, group, max_length, **extra)


FIELDS: tuple[LeadField, ...] = (
    _f("first_name", _("first name"), "name", "person", 100, importable=True, aliases=(
        "First Name", "Firstname", "Given Name", "Forename", "First", "Contact First Name", "Nome",
        "Nome di battesimo", "Prénom", "Vorname", "Nombre")),
    _f("last_name", _("last name"), "name", "person", 100, importable=True, aliases=(
        "Last Name", "Lastname", "Surname", "Family Name", "Last", "Contact Last Name", "Cognome", "Nom",
        "Nachname", "Apellido", "Apellidos")),
    _f("job_title", _("job title"), "text", "person", 150, importable=True, aliases=(
        "Job Title", "Title", "Jobtitle", "Position", "Role", "Job Role", "Job Function", "Ruolo",
        "Qualifica", "Mansione", "Posizione", "Carica", "Funzione", "Ruolo aziendale")),
    _f("email", _("email"), "email", "person", 254, importable=True, aliases=(
        "Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Work Email", "Business Email",
        "Indirizzo email", "Indirizzo e-mail", "Posta elettronica", "Email aziendale", "PEC")),
    _f("phone", _("phone"), "phone", "person", 40, raw_length=60, importable=True, aliases=(
        "Phone", "Phone Number", "Telephone", "Tel", "Tel.", "Business Phone", "Work Phone",
        "Office Phone", "Telefono", "Telefono fisso", "Numero di telefono", "Recapito telefonico",
        "Mobile Phone", "Mobile Phone Number", "Mobile", "Mobile Number", "Cell", "Cell Phone",
        "Cellulare", "Telefono cellulare", "Cell.")),
    _f("language", _("language"), "language", "person", 8, raw_length=40, importable=True, aliases=(
        "Language", "Preferred Language", "Lingua")),
    _f("company_name", _("company"), "text", "organisation", 200, importable=True, aliases=(
        "Company", "Company Name", "Company / Account", "Account Name", "Account", "Associated Company",
        "Organization", "Organisation", "Organization Name", "Business Name", "Employer", "Azienda",
        "Ragione sociale", "Società", "Denominazione", "Nome azienda", "Impresa", "Ente", "Ditta")),
    _f("website", _("website"), "url", "organisation", 200, importable=True, aliases=(
        "Website", "Website URL", "Web Site", "Web", "URL", "Homepage", "Company Domain Name", "Domain",
        "Sito", "Sito web", "Sito internet")),
    _f("vat_id", _("VAT id"), "vat", "organisation", 30, importable=True, aliases=(
        "VAT", "VAT ID", "VAT Number", "VAT No", "VAT Code", "VAT Registration Number", "Partita IVA",
        "P.IVA", "P. IVA", "PIVA", "P.I.", "Partita I.V.A.", "Numero partita IVA", "USt-IdNr")),
    _f("tax_code", _("tax code"), "tax_code", "organisation", 20, importable=True, aliases=(
        "Codice fiscale", "Cod. fiscale", "C.F.", "CF", "Fiscal Code", "Tax Code")),
    _f("industry", _("industry"), "text", "organisation", 100, importable=True, aliases=(
        "Industry", "Sector", "Settore", "Settore merceologico", "Settore di attività", "Codice ATECO",
        "ATECO")),
    _f("size_band", _("size"), "loose", "organisation", 10, raw_length=40, choices=SizeBand,
       importable=True, aliases=(
           "Number of Employees", "No. of Employees", "Employees", "Company Size", "Headcount",
           "Numero dipendenti", "N. dipendenti", "Dipendenti")),
    _f("street", _("street"), "text", "address", 200, importable=True, aliases=(
        "Street", "Street Address", "Address", "Address 1", "Address Line 1", "Mailing Street",
        "Billing Street", "Indirizzo", "Via", "Indirizzo sede", "Sede")),
    _f("postal_code", _("postal code"), "text", "address", 20, importable=True, aliases=(
        "Zip", "Zip Code", "Zipcode", "Postal Code", "Postcode", "Post Code", "Mailing Zip/Postal Code",
        "Zip/Postal Code", "Billing Zip/Postal Code", "CAP", "C.A.P.", "Codice postale")),
    _f("city", _("city"), "text", "address", 100, importable=True, aliases=(
        "City", "Town", "Mailing City", "Billing City", "Città", "Comune", "Località")),
    _f("region", _("province or region"), "text", "address", 100, importable=True, aliases=(
        "State", "State/Region", "State/Province", "Mailing State/Province", "Billing State/Province",
        "Province", "Region", "County", "Provincia", "Prov", "Prov.", "Sigla provincia", "Regione")),
    _f("country", _("country"), "country", "address", 2, raw_length=100, importable=True, aliases=(
        "Country", "Country/Region", "Mailing Country", "Billing Country", "Country Code", "Nation",
        "Nazione", "Paese", "Stato")),
    _f("channel", _("channel"), "ref", "source", 50, column=False),
    _f("campaign", _("campaign"), "ref", "source", 200, column=False),
    _f("utm_source", _("UTM source"), "plain", "source", 100),
    _f("utm_medium", _("UTM medium"), "plain", "source", 100),
    _f("utm_campaign", _("UTM campaign"), "plain", "source", 100),
    _f("utm_term", _("UTM term"), "plain", "source", 100),
    _f("utm_content", _("UTM content"), "plain", "source", 100),
    _f("external_id", _("external id"), "text", "source", 100, importable=True, aliases=(
        "Record ID", "Lead ID", "Contact ID", "ID", "External ID", "HubSpot ID", "Salesforce ID")),
    _f("stage", _("stage"), "choice", "qualification", 20, choices=Stage),
    _f("temperature", _("temperature"), "choice", "qualification", 5, choices=Temperature),
    _f("purchase_timeframe", _("purchase timeframe"), "loose", "qualification", 20, raw_length=40,
       choices=Timeframe, importable=True, aliases=(
           "Purchase Timeframe", "Timeframe", "Time Frame", "Buying Timeframe", "Tempi di acquisto",
           "Tempistica")),
    _f("consent_basis", _("lawful basis"), "choice", "consent", 30, choices=LawfulBasis),
    _f("consent_at", _("consent date"), "datetime", "consent", 64),
    _f("consent_channel", _("consent channel"), "plain", "consent", 50),
    _f("message", _("message"), "payload", "source", 5000, column=False, importable=True, aliases=(
        "Message", "Notes", "Note", "Comments", "Comment", "Description", "Messaggio", "Commenti",
        "Descrizione", "Richiesta")),
)
BY_NAME: dict[str, LeadField] = {f.name: f for f in FIELDS}
# Stages a record may start in; later stages are reached through the lifecycle, never by intake.
START_STAGES: tuple[str, ...] = (Stage.SUSPECT, Stage.LEAD, Stage.MQL, Stage.SQL)


def spec(name: str) -> LeadField:
    """The specification of one lead field (KeyError for a name that is not a lead field)."""
    return BY_NAME[name]


def size(name: str) -> int:
    """A column's size, for the model's CharField(max_length=...)."""
    return BY_NAME[name].max_length


def label(name: str) -> Any:
    return BY_NAME[name].label


def names(*, kind: str | None = None, group: str | None = None, **flags: bool) -> tuple[str, ...]:
    """Field names in specification order, filtered by kind, group and boolean attributes."""
    return tuple(f.name for f in FIELDS if (kind is None or f.kind == kind)
                 and (group is None or f.group == group)
                 and all(getattr(f, k) == v for k, v in flags.items()))


def choice_values(name: str) -> tuple[str, ...]:
    """The values a choice field accepts from intake (stage: the starting stages only)."""
    if name == "stage":
        return START_STAGES
    choices = BY_NAME[name].choices
    return tuple(v for v in choices.values if v) if choices is not None else ()
