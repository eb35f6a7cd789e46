"""The website chat's rule-based bot: a pure state machine over (step, answers, visitor text).

It asks the qualifying questions of the brief in order: what the visitor needs, when they want to
buy (-> purchase timeframe -> temperature), company, name, email and/or phone, consent. Free answers
and quick-reply buttons both work; an email or phone that cannot be one is asked again.

No database, no request, no translation machinery: the script is content in both languages the
product ships (Italian and English), so the bot speaks Italian even where message catalogs are not
compiled, and every branch is testable as plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from imbuto.leads.parsing import parse_language, parse_yes_no
from imbuto.leads.parsing import parse_timeframe as lead_parse_timeframe

STEPS = ("need", "timeframe", "company", "name", "email", "phone", "consent", "done", "declined")
FINAL = ("done", "declined")
MAX_ANSWER = 500

SCRIPT: dict[str, dict[str, str]] = {
    "greet": {"en": "Hi! I'm the virtual assistant. I'll ask a few quick questions so that the right "
                    "colleague can help you.",
              "it": "Ciao! Sono l'assistente virtuale. Ti faccio qualche domanda veloce così il collega "
                    "giusto potrà aiutarti."},
    "need": {"en": "What do you need?", "it": "Di cosa hai bisogno?"},
    "timeframe": {"en": "When are you planning to buy?", "it": "Quando pensi di acquistare?"},
    "company": {"en": "Which company are you with?", "it": "Per quale azienda scrivi?"},
    "name": {"en": "What's your name?", "it": "Come ti chiami?"},
    "noted": {"en": "Good question: a colleague will read it in this conversation and answer you.",
              "it": "Bella domanda: un collega la leggerà in questa conversazione e ti risponderà."},
    "timeframe_again": {"en": "Sorry, I didn't get that. When are you planning to buy? You can pick "
                              "an answer below.",
                        "it": "Scusa, non ho capito. Quando pensi di acquistare? Puoi scegliere una "
                              "risposta qui sotto."},
    "name_again": {"en": "Sorry, I didn't get your name. What's your name?",
                   "it": "Scusa, non ho capito il tuo nome. Come ti chiami?"},
    "email": {"en": "Thanks, {first}! What's your email address?",
              "it": "Grazie, {first}! Qual è il tuo indirizzo email?"},
    "email_again": {"en": "That doesn't look like an email address. Could you check it? "
                          "(for example name@company.com)",
                    "it": "Non sembra un indirizzo email valido. Puoi controllarlo? "
                          "(ad esempio nome@azienda.it)"},
    "phone": {"en": "And a phone number where we can call you? (optional)",
              "it": "E un numero di telefono per richiamarti? (facoltativo)"},
    "phone_required": {"en": "Then please leave a phone number where we can call you.",
                       "it": "Allora lasciami un numero di telefono per richiamarti."},
    "phone_again": {"en": "That doesn't look like a phone number. Could you check it? "
                          "(for example +39 02 1234 5678)",
                    "it": "Non sembra un numero di telefono valido. Puoi controllarlo? "
                          "(ad esempio +39 02 1234 5678)"},
    "consent": {"en": "Last thing: may we store these details and contact you about your request?",
                "it": "Ultima cosa: possiamo conservare questi dati e contattarti per la tua richiesta?"},
    "consent_again": {"en": "Please answer yes or no: may we store your details and contact you?",
                      "it": "Rispondi sì o no: possiamo conservare i tuoi dati e contattarti?"},
    "done_soon": {"en": "Thank you, {first}! A colleague will get back to you very soon. "
                        "You can keep writing here in the meantime.",
                  "it": "Grazie, {first}! Un collega ti ricontatterà al più presto. "
                        "Nel frattempo puoi continuare a scrivere qui."},
    "done": {"en": "Thank you, {first}! A colleague will get in touch with you. "
                   "You can keep writing here in the meantime.",
             "it": "Grazie, {first}! Un collega ti contatterà. "
                   "Nel frattempo puoi continuare a scrivere qui."},
    "declined": {"en": "Understood: we won't keep your contact details. You can still ask your "
                       "question here.",
                 "it": "Va bene: non conserveremo i tuoi dati di contatto. Puoi comunque fare la tua "
                       "domanda qui."},
    "joined": {"en": "{name} from our team has joined the conversation.",
               "it": "{name} del nostro team si è unito alla conversazione."},
    "closed": {"en": "The conversation has been closed. Thank you!",
               "it": "La conversazione è stata chiusa. Grazie!"},
    "after": {"en": "Thanks for your message! A colleague will answer you here as soon as possible.",
              "it": "Grazie del messaggio! Un collega ti risponderà qui appena possibile."},
}

QUICK: dict[str, list[tuple[str, dict[str, str]]]] = {
    "need": [("quote", {"en": "A quote", "it": "Un preventivo"}),
             ("info", {"en": "Product information", "it": "Informazioni sui prodotti"}),
             ("other", {"en": "Something else", "it": "Altro"})],
    "timeframe": [("immediate", {"en": "Right away", "it": "Subito"}),
                  ("within_2_months", {"en": "Within 2 months", "it": "Entro 2 mesi"}),
                  ("later", {"en": "Later", "it": "Più avanti"}),
                  ("unknown", {"en": "I don't know yet", "it": "Non lo so ancora"})],
    "company": [("none", {"en": "I'm a private person", "it": "Sono un privato"})],
    "email": [("skip", {"en": "I'd rather leave my phone", "it": "Preferisco lasciare il telefono"})],
    "phone": [("skip", {"en": "Skip", "it": "Salta"})],
    "consent": [("yes", {"en": "Yes, I agree", "it": "Sì, acconsento"}),
                ("no", {"en": "No", "it": "No"})],
}


@dataclass(frozen=True)
class QuickReply:
    label: str
    value: str


@dataclass
class Turn:
    """What the bot does after a visitor message: the new step and answers, what it says, and
    whether the conversation has just become a lead (`complete`)."""

    step: str
    answers: dict[str, Any]
    messages: list[str] = field(default_factory=list)
    quick_replies: list[QuickReply] = field(default_factory=list)
    complete: bool = False


def language_of(lang: str | None) -> str:
    """The bot's language for a visitor's language (a code or a name: 'it-IT', 'Italiano')."""
    code = parse_language((lang or "").strip()) or ""
    return "it" if code.startswith("it") else "en"


def say(key: str, lang: str, **values: str) -> str:
    return SCRIPT[key][language_of(lang)].format(**values)


def quick_replies(step: str, lang: str, answers: dict[str, Any] | None = None) -> list[QuickReply]:
    if step == "phone" and not (answers or {}).get("email"):
        return []  # without an email the phone is not optional
    return [QuickReply(labels[language_of(lang)], value) for value, labels in QUICK.get(step, [])]


def start(lang: str) -> Turn:
    return Turn("need", {}, [say("greet", lang), say("need", lang)], quick_replies("need", lang))


def prompt(step: str, answers: dict[str, Any], lang: str) -> list[QuickReply]:
    """The buttons that belong to the current question (for a widget that reloads)."""
    return quick_replies(step, lang, answers) if step not in FINAL else []


# --- parsing free answers ---------------------------------------------------------------------

def parse_timeframe(text: str) -> str:
    """The visitor's answer as a purchase timeframe (leads.parsing, as every way in); 'unknown' when the
    answer says nothing about it."""
    return lead_parse_timeframe(text) or "unknown"


_EMAIL = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")


def parse_email(text: str) -> str | None:
    match = _EMAIL.search(text)
    if not match:
        return None
    try:
        return validate_email(match.group(0).rstrip("."), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def parse_phone(text: str, region: str = "IT") -> str | None:
    match = re.search(r"\+?[\d][\d\s().\-/]{4,24}\d", text)
    if not match:
        return None
    try:
        number = phonenumbers.parse(match.group(0), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_SKIP = {"skip", "salta", "no", "none", "nessuno", "-", "non ho", "preferisco di no"}
_NO_COMPANY = {"none", "no", "-", "privato", "private", "sono un privato", "i'm a private person",
               "nessuna", "n/a"}


def _words(text: str) -> str:
    return re.sub(r"[^\w'\s]", "", text.lower()).strip()


def split_name(text: str) -> tuple[str, str]:
    parts = re.sub(r"^(mi chiamo|sono|my name is|i am|i'm|name:)\s+", "", text.strip(),
                   flags=re.IGNORECASE).split()
    if not parts:
        return "", ""
    return parts[0][:100], " ".join(parts[1:])[:100]


def _is_question(text: str) -> bool:
    """A visitor asking something back ("do you ship abroad?") rather than answering."""
    return text.rstrip().endswith("?")


# --- the machine ------------------------------------------------------------------------------

def advance(step: str, answers: dict[str, Any], text: str, *, lang: str, value: str | None = None,
            region: str = "IT") -> Turn:
    """One visitor message in; the next step out. `value` is a quick reply's value, if one was
    clicked; free text works for every question too."""
    answers = dict(answers)
    text = (text or "").strip()[:MAX_ANSWER]
    choice = (value or "").strip() or _words(text)
    lang = language_of(lang)

    def ask(next_step: str, *lines: str) -> Turn:
        return Turn(next_step, answers, list(lines), quick_replies(next_step, lang, answers))

    if step == "need":
        answers["need"] = text or choice
        return ask("timeframe", say("timeframe", lang))
    if step in ("timeframe", "company", "name") and not value and _is_question(text):
        # A question is not an answer: it stays in the transcript for the rep, the bot asks again.
        return ask(step, say("noted", lang), say(step, lang))
    if step == "timeframe":
        timeframe = parse_timeframe(value or text)
        if timeframe == "unknown" and not value and not answers.get("timeframe_asked_again"):
            answers["timeframe_asked_again"] = True
            return ask("timeframe", say("timeframe_again", lang))
        answers["timeframe_text"] = text
        answers["purchase_timeframe"] = timeframe
        return ask("company", say("company", lang))
    if step == "company":
        answers["company_name"] = "" if choice in _NO_COMPANY else text[:200]
        return ask("name", say("name", lang))
    if step == "name":
        first, last = split_name(text)
        if not first:
            return ask("name", say("name_again", lang))
        answers.update(first_name=first, last_name=last)
        return ask("email", say("email", lang, first=first))
    if step == "email":
        if choice == "skip" or _words(text) in _SKIP:
            answers["email"] = ""
            return ask("phone", say("phone_required", lang))
        email = parse_email(text)
        if not email:
            return ask("email", say("email_again", lang))
        answers["email"] = email
        return ask("phone", say("phone", lang))
    if step == "phone":
        if answers.get("email") and (choice == "skip" or _words(text) in _SKIP):
            answers["phone"] = ""
            return ask("consent", say("consent", lang))
        phone = parse_phone(text, region)
        if not phone:
            key = "phone_again" if text and choice != "skip" else "phone_required"
            return ask("phone", say(key, lang))
        answers["phone"] = phone
        return ask("consent", say("consent", lang))
    if step == "consent":
        answer = parse_yes_no(choice)
        if answer:
            answers["consent"] = True
            key = "done_soon" if answers.get("purchase_timeframe") == "immediate" else "done"
            turn = ask("done", say(key, lang, first=answers.get("first_name", "")))
            turn.complete = True
            return turn
        if answer is False:
            for k in ("first_name", "last_name", "email", "phone", "company_name"):
                answers.pop(k, None)
            answers["consent"] = False
            return ask("declined", say("declined", lang))
        return ask("consent", say("consent_again", lang))
    # done, declined or anything unknown: acknowledge once, then stay quiet for the rep
    if answers.get("acknowledged"):
        return Turn(step if step in FINAL else "done", answers)
    answers["acknowledged"] = True
    return Turn(step if step in FINAL else "done", answers, [say("after", lang)])


def lead_record(answers: dict[str, Any], lang: str) -> dict[str, Any]:
    """The lead fields the conversation collected, for the intake pipeline."""
    record = {k: answers[k] for k in ("first_name", "last_name", "email", "phone", "company_name",
                                      "purchase_timeframe") if answers.get(k)}
    record["language"] = language_of(lang)
    return record
