"""The chatbot state machine, as plain data: every branch, re-asking, Italian, free answers."""

import pytest

from imbuto.intake.capture import chatbot
from imbuto.intake.capture.chatbot import advance


def run(answers_in, lang="en", values=None):
    """Feed answers from the start; return every turn."""
    turn = chatbot.start(lang)
    turns = [turn]
    for i, text in enumerate(answers_in):
        value = (values or {}).get(i)
        turn = advance(turn.step, turn.answers, text, lang=lang, value=value)
        turns.append(turn)
    return turns


def test_the_happy_path_in_english_collects_everything_and_completes_once():
    turns = run(["We need 20 laptops", "Right away", "Acme S.r.l.", "Mario Rossi", "mario@acme.it",
                 "+39 02 1234 5678", "yes"])
    assert [t.step for t in turns] == ["need", "timeframe", "company", "name", "email", "phone", "consent",
                                       "done"]
    last = turns[-1]
    assert last.complete and not any(t.complete for t in turns[:-1])
    assert last.answers | {} == last.answers
    assert last.answers["need"] == "We need 20 laptops"
    assert last.answers["purchase_timeframe"] == "immediate"
    assert (last.answers["first_name"], last.answers["last_name"]) == ("Mario", "Rossi")
    assert last.answers["email"] == "mario@acme.it" and last.answers["phone"] == "+390212345678"
    assert last.answers["consent"] is True
    assert "Mario" in last.messages[0] and "very soon" in last.messages[0]
    record = chatbot.lead_record(last.answers, "en")
    assert record == {"first_name": "Mario", "last_name": "Rossi", "email": "mario@acme.it",
                      "phone": "+390212345678", "company_name": "Acme S.r.l.",
                      "purchase_timeframe": "immediate", "language": "en"}


def test_start_greets_and_offers_quick_replies():
    turn = chatbot.start("en-GB")
    assert turn.step == "need" and len(turn.messages) == 2
    assert [q.value for q in turn.quick_replies] == ["quote", "info", "other"]


def test_invalid_email_is_asked_again_until_valid():
    turns = run(["info", "later", "Acme", "Anna", "anna at acme", "anna@", "my email is anna@acme.com."])
    assert [t.step for t in turns[-3:]] == ["email", "email", "phone"]
    assert "doesn't look like an email" in turns[-3].messages[0]
    assert turns[-1].answers["email"] == "anna@acme.com"


def test_invalid_phone_is_asked_again_and_phone_is_optional_with_an_email():
    turns = run(["info", "later", "Acme", "Anna", "anna@acme.com", "12", "skip"], values={6: "skip"})
    assert [t.step for t in turns[-2:]] == ["phone", "consent"]
    assert "doesn't look like a phone" in turns[-2].messages[0]
    assert turns[-1].answers["phone"] == ""


def test_without_email_the_phone_is_required():
    turns = run(["info", "later", "Acme", "Anna", "I'd rather leave my phone", "skip", "333 123 4567"],
                values={4: "skip"})
    assert turns[-3].step == "phone" and turns[-3].quick_replies == []
    assert turns[-2].step == "phone" and "phone number" in turns[-2].messages[0]
    assert turns[-1].step == "consent" and turns[-1].answers["phone"] == "+393331234567"


def test_an_empty_name_is_asked_again():
    turns = run(["info", "later", "Acme", "   "])
    assert turns[-1].step == "name" and "didn't get your name" in turns[-1].messages[0]


def test_private_person_has_no_company():
    turns = run(["info", "later", "I'm a private person"], values={2: "none"})
    assert turns[-1].answers["company_name"] == ""


def test_declining_consent_forgets_the_contact_details_and_creates_nothing():
    turns = run(["info", "later", "Acme", "Anna Verdi", "anna@acme.com", "skip", "No"])
    last = turns[-1]
    assert last.step == "declined" and not last.complete
    assert "email" not in last.answers and "first_name" not in last.answers
    assert last.answers["consent"] is False


def test_an_unclear_consent_answer_is_asked_again():
    turns = run(["info", "later", "Acme", "Anna", "anna@acme.com", "skip", "maybe"])
    assert turns[-1].step == "consent" and "yes or no" in turns[-1].messages[0]


def test_after_the_end_the_bot_acknowledges_once_then_stays_quiet():
    turns = run(["info", "later", "Acme", "Anna", "anna@acme.com", "skip", "yes", "hello?", "anyone?"])
    assert turns[-2].messages and "colleague" in turns[-2].messages[0]
    assert turns[-1].messages == [] and not turns[-1].complete and turns[-1].step == "done"


def test_italian_conversation():
    turns = run(["Vorrei un preventivo", "entro 2 mesi", "Rossi S.p.A.", "Mi chiamo Lucia Bianchi",
                 "lucia@rossi", "lucia@rossi.it", "salta", "Sì, acconsento"], lang="it-IT")
    assert turns[0].messages[1] == "Di cosa hai bisogno?"
    assert [q.label for q in turns[0].quick_replies][0] == "Un preventivo"
    assert turns[2].messages == ["Per quale azienda scrivi?"]
    assert turns[5].step == "email" and "Non sembra un indirizzo email" in turns[5].messages[0]
    last = turns[-1]
    assert last.step == "done" and last.complete
    assert last.answers["purchase_timeframe"] == "within_2_months"
    assert (last.answers["first_name"], last.answers["last_name"]) == ("Lucia", "Bianchi")
    assert last.messages[0].startswith("Grazie, Lucia!")
    assert chatbot.lead_record(last.answers, "it")["language"] == "it"


@pytest.mark.parametrize("text,expected", [
    ("Right away", "immediate"), ("asap", "immediate"), ("subito!", "immediate"), ("this week", "immediate"),
    ("Entro 2 mesi", "within_2_months"), ("in 6 weeks", "within_2_months"), ("next month", "within_2_months"),
    ("un paio di mesi", "within_2_months"), ("within 2 months", "within_2_months"),
    ("tra tre mesi", "later"), ("in 6 months", "later"), ("next year", "later"), ("Più avanti", "later"),
    ("I don't know yet", "unknown"), ("boh", "unknown"), ("non lo so", "unknown"), ("banana", "unknown"),
    ("later", "later"), ("within_2_months", "within_2_months"),
])
def test_free_timeframe_answers(text, expected):
    assert chatbot.parse_timeframe(text) == expected


def test_a_quick_reply_value_wins_over_its_label():
    turn = advance("timeframe", {}, "Whatever label", lang="en", value="within_2_months")
    assert turn.answers["purchase_timeframe"] == "within_2_months"


def test_overlong_answers_are_cut():
    turn = advance("need", {}, "x" * 5000, lang="en")
    assert len(turn.answers["need"]) == chatbot.MAX_ANSWER


def test_a_question_is_not_taken_as_the_answer_it_is_asked_again():
    """Issue 10, item 13: "do you ship abroad?" at the timeframe question became the timeframe."""
    turn = advance("timeframe", {"need": "chairs"}, "Do you also ship abroad?", lang="en")
    assert turn.step == "timeframe" and "purchase_timeframe" not in turn.answers
    assert "colleague" in turn.messages[0] and "When are you planning to buy?" in turn.messages[1]
    turn = advance("company", {}, "Perché volete il nome dell'azienda?", lang="it")
    assert turn.step == "company" and "company_name" not in turn.answers


def test_an_answer_that_says_nothing_about_the_timeframe_is_asked_again_once():
    turn = advance("timeframe", {"need": "chairs"}, "blue ones", lang="en")
    assert turn.step == "timeframe" and "purchase_timeframe" not in turn.answers
    turn = advance("timeframe", turn.answers, "still blue", lang="en")
    assert turn.step == "company" and turn.answers["purchase_timeframe"] == "unknown"
