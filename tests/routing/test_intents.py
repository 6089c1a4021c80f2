"""The explicit intent rules: who goes to people, in five languages, and who stays with the bot."""

from __future__ import annotations

import dataclasses

import pytest

from routing import reasons
from routing.intents import IntentMatch, detect_intent

# One message per reason and language: (reason, language, message).
HANDOFFS = [
    (reasons.CUSTOMER_REQUEST, "en", "I want to talk to a human"),
    (reasons.CUSTOMER_REQUEST, "es", "quiero hablar con una persona"),
    (reasons.CUSTOMER_REQUEST, "fr", "je veux parler à un conseiller"),
    (reasons.CUSTOMER_REQUEST, "de", "ich möchte mit einem Mitarbeiter sprechen"),
    (reasons.CUSTOMER_REQUEST, "pt", "quero falar com um atendente"),
    (reasons.COMPLAINT, "en", "I want to file a complaint"),
    (reasons.COMPLAINT, "es", "quiero poner una queja"),
    (reasons.COMPLAINT, "fr", "je veux déposer une réclamation"),
    (reasons.COMPLAINT, "de", "ich möchte eine Beschwerde einreichen"),
    (reasons.COMPLAINT, "pt", "quero fazer uma reclamação"),
    (reasons.LEGAL, "en", "I'm going to sue you"),
    (reasons.LEGAL, "es", "voy a denunciarlos"),
    (reasons.LEGAL, "fr", "je vais contacter mon avocat"),
    (reasons.LEGAL, "de", "ich werde meinen Anwalt einschalten"),
    (reasons.LEGAL, "pt", "vou falar com meu advogado"),
    (reasons.CANCELLATION, "en", "cancel my subscription"),
    (reasons.CANCELLATION, "es", "quiero cancelar mi suscripción"),
    (reasons.CANCELLATION, "fr", "je veux résilier mon abonnement"),
    (reasons.CANCELLATION, "de", "ich möchte mein Abo kündigen"),
    (reasons.CANCELLATION, "pt", "quero cancelar minha assinatura"),
    (reasons.SECURITY, "en", "someone logged into my account"),
    (reasons.SECURITY, "es", "me hackearon la cuenta"),
    (reasons.SECURITY, "fr", "mon compte a été piraté"),
    (reasons.SECURITY, "de", "meine Kreditkarte wurde gestohlen"),
    (reasons.SECURITY, "pt", "tem uma cobrança não autorizada no meu cartão"),
    (reasons.DATA_REQUEST, "en", "please delete my data"),
    (reasons.DATA_REQUEST, "es", "solicito el derecho al olvido según el RGPD"),
    (reasons.DATA_REQUEST, "fr", "je veux supprimer mes données"),
    (reasons.DATA_REQUEST, "de", "ich verlange Auskunft nach DSGVO"),
    (reasons.DATA_REQUEST, "pt", "pela LGPD quero acesso aos meus dados"),
]


@pytest.mark.parametrize(("reason", "language", "message"), HANDOFFS)
def test_each_reason_hands_off_in_each_language(reason: str, language: str, message: str) -> None:
    match = detect_intent(message)
    assert match is not None, f"{language}: {message!r} stayed with the bot"
    assert match.reason == reason
    assert match.rule.startswith(f"{reason}.")


@pytest.mark.parametrize(
    "message",
    [
        "i want to speak to a persn",
        "can i talk to ahuman",
        "speak to an agnet now",
        "i need a reprsentative",
        "I try to ocntact an agent",
        "kiero ablar con una persna",
        "je veux parler a un conseilller",
        "ich möchte mit einem Mitarbieter sprechen",
        "qero falar com um atendennte",
        "I want assistance tospeak with an agent",
    ],
)
def test_typos_still_ask_for_a_person(message: str) -> None:
    match = detect_intent(message)
    assert match is not None
    assert match.reason == reasons.CUSTOMER_REQUEST


def test_typos_in_complaint_still_count_as_a_complaint() -> None:
    match = detect_intent("I'd like to make a formal ocmplaint about your driver")
    assert match is not None
    assert match.reason == reasons.COMPLAINT


@pytest.mark.parametrize(
    "message",
    [
        "agent",
        "human pls",
        "REAL PERSON PLEASE",
        "representative!!!",
        "Un humano por favor",
        "conseiller svp",
        "Mitarbeiter bitte",
        "atendente",
    ],
)
def test_a_bare_request_for_a_person_hands_off(message: str) -> None:
    match = detect_intent(message)
    assert match is not None
    assert match.rule == "customer_request.bare_person"


@pytest.mark.parametrize(
    "message",
    [
        # Mentions of a person or of something "live" or "real" that ask for nobody.
        "which agent handles my order?",
        "is the live chat open on Sundays?",
        "do you sell a real leather bag?",
        "ask an agent how to change my address",
        "how do I become a sales representative?",
        "what does a customer service agent do?",
        "the agent who helped me yesterday was great",
        "the delivery person left my parcel by the door, is that normal?",
        "¿qué agente lleva mi pedido?",
        "¿cómo me hago representante de ventas?",
        "quel conseiller s'occupe de ma commande ?",
        "comment devenir conseiller commercial ?",
        "welcher Mitarbeiter bearbeitet meine Bestellung?",
        "ich möchte Mitarbeiter bei Ihnen werden",
        "qual atendente cuida do meu pedido?",
        "como me torno representante de vendas?",
        # Ending an order or a newsletter is a question for the bot, not a cancellation.
        "cancel my order",
        "I need to cancel the order I placed yesterday",
        "cancel my newsletter subscription",
        "quiero cancelar mi pedido",
        "je veux annuler ma commande",
        "ich möchte meine Bestellung stornieren",
        "quero cancelar meu pedido",
        # Editing personal data is not a data-protection request.
        "how do I change my personal data?",
        # Words that only look legal or like security.
        "is the court shoe available in size 40?",
        "Sue from your team helped me earlier, thanks",
        "i do not sue this user profile can i switch to the new one",
        "¿hay mucha demanda de este producto?",
        "avez-vous de l'huile d'avocat bio ?",
        "ist dieses Gericht vegetarisch?",
        "qual é o processo de troca?",
        "my order was packed yesterday, when does it ship?",
        "what's the warranty claim process?",
        "how do I reset my password?",
    ],
)
def test_questions_for_the_bot_stay_with_the_bot(message: str) -> None:
    assert detect_intent(message) is None


def test_following_up_a_complaint_is_still_a_complaint() -> None:
    # The bot cannot act on a complaint case, so a follow-up goes to people too.
    match = detect_intent("how do I track a complaint I filed last week")
    assert match is not None
    assert match.reason == reasons.COMPLAINT


def test_the_customers_own_words_are_recorded() -> None:
    match = detect_intent("Can I talk to a persn, please?")
    assert match == IntentMatch(
        reason=reasons.CUSTOMER_REQUEST,
        rule="customer_request.reach_person",
        words=("talk", "to", "a", "persn"),
    )


def test_recorded_words_keep_the_customers_accents() -> None:
    match = detect_intent("Je veux parler à un conseiller")
    assert match is not None
    assert match.words == ("parler", "à", "un", "conseiller")


def test_a_glued_word_is_recorded_once() -> None:
    match = detect_intent("I want assistance tospeak with an agent")
    assert match is not None
    assert match.words == ("tospeak", "with", "an", "agent")


@pytest.mark.parametrize(
    "message",
    ["QUIERO HABLAR CON UNA PERSONA", "quiero hablar con una persóna", "Quero falar com alguém"],
)
def test_case_and_accents_do_not_matter(message: str) -> None:
    match = detect_intent(message)
    assert match is not None
    assert match.reason == reasons.CUSTOMER_REQUEST


def test_the_more_urgent_reason_wins_when_several_match() -> None:
    # Security outranks a plain request for a person: the inbox should show the urgent reason.
    match = detect_intent("my account was hacked, let me talk to a person")
    assert match is not None
    assert match.reason == reasons.SECURITY
    legal = detect_intent("get me your manager or I will sue you")
    assert legal is not None
    assert legal.reason == reasons.LEGAL


def test_rules_do_not_reach_across_sentences() -> None:
    assert detect_intent("I can talk. The agent said my parcel is late") is None


def test_empty_and_wordless_messages_stay_with_the_bot() -> None:
    assert detect_intent("") is None
    assert detect_intent("?!") is None
    assert detect_intent("🙂") is None


def test_an_intent_match_cannot_be_changed() -> None:
    match = detect_intent("agent")
    assert match is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.reason = reasons.COMPLAINT  # type: ignore[misc]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Please cancel order 7731, I bought the wrong colour", reasons.CANCELLATION),
        ("Cancelen el pedido, me equivoqué", reasons.CANCELLATION),
        ("Annulez ma commande s'il vous plaît", reasons.CANCELLATION),
        ("Bitte stornieren Sie die Bestellung", reasons.CANCELLATION),
        ("Cancelem o meu pedido por favor", reasons.CANCELLATION),
        ("worst service ever, I'm done", reasons.COMPLAINT),
        ("Otra vez la talla equivocada", reasons.COMPLAINT),
        ("Die Jacke ist schon wieder kaputt", reasons.COMPLAINT),
    ],
)
def test_cancel_this_order_insults_and_failing_again_go_to_people(
    message: str, reason: str
) -> None:
    match = detect_intent(message)
    assert match is not None and match.reason == reason


@pytest.mark.parametrize(
    "message",
    [
        "how do I cancel my order?",
        "hasta cuando se puede cancelar un pedido?",
        "Jusqu'à quand peut-on annuler une commande ?",
        "bis wann kann man eine bestellung stornieren",
        "Se eu cancelar o pedido, perco o cupom?",
        "Is the chat answered by a person or a robot?",
        "Do I need to talk to someone to change my address?",
        "If I write outside your chat hours, when does a person answer?",
        "my jacket arrived torn",
    ],
)
def test_cancellation_policy_and_questions_about_a_person_stay_with_the_bot(message: str) -> None:
    assert detect_intent(message) is None


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("You guys are useless, never ordering from you again", reasons.COMPLAINT),
        ("sois unos incompetentes", reasons.COMPLAINT),
        ("SAV lamentable, plus jamais", reasons.COMPLAINT),
        ("Ihr seid unfähig", reasons.COMPLAINT),
        ("atendimento péssimo, nunca mais", reasons.COMPLAINT),
        ("my lawyer will contact you this week", reasons.LEGAL),
        ("I'm reporting you to consumer protection", reasons.LEGAL),
        ("Send me a copy of all the data you hold on me", reasons.DATA_REQUEST),
        ("Quero que apaguem a minha conta e todos os meus dados", reasons.CANCELLATION),
    ],
)
def test_insults_threats_and_data_requests_go_to_people(message: str, reason: str) -> None:
    match = detect_intent(message)
    assert match is not None and match.reason == reason


@pytest.mark.parametrize(
    "message",
    [
        "un abogado amigo mio quiere regalar una tarjeta regalo",
        "Meine Anwältin meint, ich kann zurückgeben, wie lange ist die Frist?",
        "My lawyer told me to keep the receipt, where can I download it?",
        "where in account settings can I download my data?",
        "Como faço para baixar uma cópia dos meus dados?",
        "is this chat answered by a human or a bot?",
        "Le chat est tenu par des humains à quelles heures ?",
        "¿Quién responde en este chat, una persona o un programa?",
        "If I write at night when nobody's there, does a person get back to me later?",
        "como cancelo la suscripcion a los correos de ofertas?",
    ],
)
def test_mentions_of_a_lawyer_data_or_staff_stay_with_the_bot(message: str) -> None:
    assert detect_intent(message) is None
