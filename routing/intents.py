"""Explicit intent rules: the customer's words that send a conversation to people, no model asked.

How it works, cheapest first:
1. Normalise: NFC, split into word tokens (sentence marks become a ``|`` barrier that no rule
   crosses), casefold and strip accents, so "Já", "JA" and "ja" are one word.
2. Correct typos on the few words rules hinge on ("persn", "agnet", "ocmplaint", "Mitarbieter"):
   a token one edit (insert, delete, substitute, swap) from a key word becomes that word, unless
   it is a real word of its own ("personal", "contract", "gente", "argent" ...). Glued articles
   split off ("tocontact" -> "to contact", "tospeak" -> "to speak"). Results are cached per token.
3. Run the precompiled rules over the corrected text, in this order; the first match wins, so the
   most specific and urgent reason is the one the inbox shows:
   security > legal > data_request > cancellation > complaint > customer_request.
   A rule may carry an ``unless`` pattern looked for in a few words around its match
   ("how do I become a sales representative", "cancel my newsletter subscription").

What stays with the bot on purpose: mentions of a person that ask for none ("which agent handles
my order", "is the live chat open", "ask an agent how to change my address", "what does a
customer service agent do"), cancelling an order, and editing (not erasing) personal data.
Following up on a complaint ("how do I track a complaint I filed") goes to people: the bot cannot
act on a complaint case, and it is still a complaint.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from routing import reasons
from routing.language import fold


@dataclass(frozen=True)
class IntentMatch:
    reason: str  # a handoff reason from routing.reasons
    rule: str  # stable rule name, written to the audit trail
    words: tuple[str, ...]  # the customer's words the rule matched, as they wrote them


@dataclass(frozen=True)
class _Rule:
    name: str
    reason: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    window: int = 4  # how many words either side of a match ``unless`` may look at


def detect_intent(text: str) -> IntentMatch | None:
    """The first rule that matches the customer's message, or None when the bot may answer."""
    return read_rules(text)[0]


def read_rules(text: str) -> tuple[IntentMatch | None, str | None]:
    """The first rule that matches, and else the first rule whose ``unless`` kept the message
    with the bot ("ask an agent how to ...", "is the live chat open"): the rules' word that no
    one is asked for, which a trained classifier must not overrule."""
    tokens, words, starts, origins = _corrected_words(text)
    if not words:
        return None, None
    corrected = " ".join(words)
    vetoed_by = None
    for rule in _RULES:
        for match in rule.pattern.finditer(corrected):
            first, last = _token_span(starts, match.start(), match.end())
            if rule.unless is not None:
                reach = rule.window
                window = " ".join(words[max(0, first - reach) : last + 1 + reach])
                if rule.unless.search(window):
                    vetoed_by = vetoed_by or rule.name
                    continue
            # A glued token ("ahuman") stands behind two words; name it once.
            matched = dict.fromkeys(i for i in origins[first : last + 1] if i is not None)
            return IntentMatch(rule.reason, rule.name, tuple(tokens[i] for i in matched)), None
    return None, vetoed_by


# -- normalising and typo correction ----------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\W_]+|[.!?;¿¡]+")
_BARRIER = "|"

# Words the rules hinge on, spelled as the folded (accentless, lower-case) text spells them.
# A token one edit away from one of these is read as it.
_KEY_WORDS = frozenset(
    """
    human humans person persons people agent agents representative representatives operator
    operators manager managers supervisor supervisors someone somebody anyone anybody
    assistant assistants complaint complaints complain complaining complained reclamation
    reclamations claim contact contacting speak speaking talking chatting transfer lawyer
    lawyers attorney lawsuit chargeback subscription membership account cancel cancelling
    canceling hacked unauthorised unauthorized stolen phishing delete unacceptable making
    filing lodge lodging customer consumer
    persona personas humano humana humanos asesor operador representante encargado hablar
    queja quejas reclamacion abogado demandar denunciar suscripcion membresia
    personne humain conseiller conseillere operateur parler plainte avocat abonnement resilier
    mitarbeiter menschen mensch berater ansprechpartner sprechen beschwerde beschweren anwalt
    kundigen kundige hacker hackers agente agentes cancelo cancela cancelar hablare quejar
    transfere reklamation inacceptable
    pessoa atendente reclamacao advogado assinatura
    """.split()
)
# Real words one edit from a key word: never "corrected".
_REAL_WORDS = frozenset(
    """
    personal personally assistance assistances representation manages managed manage contract
    contracts layer layers player argent gente gent urgent cancer packed backed lacked racked
    sacked tacked jacked taking baking waking clair claims clam spear sneak steak speck peak
    queda algum alguma pessoal pessoais humor humour humanas humane agenda agence agency parlor
    parlour consumed consume consumes customs demanda demandas beraten
    demander demande demandes demandez demandent demandons cancelad anulad cancelame operadora
    """.split()
)
_GLUED_PREFIXES = ("a", "an", "to", "the", "u", "ya", "my", "me", "with", "wit")


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit_index() -> dict[str, frozenset[str]]:
    """Each key word under itself and its one-letter deletions (the SymSpell trick)."""
    index: dict[str, set[str]] = {}
    for word in _KEY_WORDS:
        for variant in {word} | _deletions(word):
            index.setdefault(variant, set()).add(word)
    return {variant: frozenset(words) for variant, words in index.items()}


_ONE_EDIT = _one_edit_index()
# A token longer than this is no key word with a typo (and would make thousands of deletions).
_LONGEST_TYPO = max(len(word) for word in _KEY_WORDS) + 1


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        # Two neighbouring letters swapped: "agnet", "ocmplaint".
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _key_word_for(token: str) -> str | None:
    if token in _KEY_WORDS:
        return token
    if not 4 <= len(token) <= _LONGEST_TYPO or token in _REAL_WORDS or token.isdigit():
        return None
    candidates: set[str] = set()
    for variant in {token} | _deletions(token):
        candidates |= _ONE_EDIT.get(variant, frozenset())
    matches = sorted(
        (w for w in candidates if len(w) >= 4 and _within_one_edit(token, w)),
        key=lambda w: (abs(len(w) - len(token)), w),
    )
    return matches[0] if matches else None


@lru_cache(maxsize=65536)
def _correct(token: str) -> tuple[str, ...]:
    """The word(s) a folded token stands for: itself, its key word, or a glued article split off."""
    key_word = _key_word_for(token)
    if key_word is not None:
        return (key_word,)
    if token not in _REAL_WORDS and len(token) <= _LONGEST_TYPO + 4:
        for prefix in _GLUED_PREFIXES:
            rest = token[len(prefix) :]
            if token.startswith(prefix) and len(rest) >= 4:
                key_word = _key_word_for(rest)
                if key_word is not None:
                    return (prefix, key_word)
    return (token,)


def _corrected_words(
    text: str,
) -> tuple[list[str], list[str], list[int], list[int | None]]:
    """The customer's tokens; the corrected words, each one's offset in the joined text and the
    token behind it (None for a sentence barrier)."""
    tokens = _TOKEN_RE.findall(unicodedata.normalize("NFC", text))
    words: list[str] = []
    starts: list[int] = []
    origins: list[int | None] = []
    offset = 0
    for index, token in enumerate(tokens):
        if not token[0].isalnum():
            corrected: tuple[str, ...] = (_BARRIER,)
            origin = None
        else:
            corrected = _correct(fold(token))
            origin = index
        for word in corrected:
            words.append(word)
            starts.append(offset)
            origins.append(origin)
            offset += len(word) + 1
    return tokens, words, starts, origins


def _token_span(starts: list[int], begin: int, end: int) -> tuple[int, int]:
    first = last = 0
    for index, start in enumerate(starts):
        if start <= begin:
            first = index
        if start < end:
            last = index
    return first, last


# -- vocabulary -------------------------------------------------------------------------------
# Word lists are whitespace-separated regex pieces over the folded text; "_" stands for a space.


def _one_of(pieces: str) -> str:
    return "(?:" + "|".join(piece.replace("_", " ") for piece in pieces.split()) + ")"


def _gap(most: int) -> str:
    """Up to ``most`` words of any kind, never across a sentence barrier."""
    return rf"(?:\w+ ){{0,{most}}}?"


# A person the customer could be handed to, in the five languages.
_PERSON = _one_of(
    r"""
    human_beings? humans? persons? people agents? representatives? reps? operators? managers?
    supervisors? someone somebody some_one anyone anybody assistants? advis[oe]rs? staff
    employees?
    personas? human[oa]s? agentes? asesor(?:a|es|as)? operador(?:a|es|as)? representantes?
    encargad[oa]s? gerentes? supervisor(?:a|es|as)? alguien emplead[oa]s? responsables?
    ser_humano
    personnes? humaine?s? conseill(?:er|ere|ers|eres) operat(?:eur|rice)s? quelqu_un
    superviseur interlocut(?:eur|rice) employes?
    menschen mensch \w*mitarbeiter(?:in|innen|n)? \w*berater(?:in|innen|n)? vorgesetzte[nr]?
    chef jemand(?:en|em)? ansprechpartner(?:in)? sachbearbeiter(?:in)?
    pessoas? atendentes? alguem funcionari[oa]s? consultor(?:a|es|as)?
    """
)
# Words that may sit between "want / quiero / je veux ..." and the person asked for.
_PERSON_MODIFIER = _one_of(
    r"""
    a an the some one of your real live actual proper human customer service support sales
    account damn goddamn bloody fucking freaking to talk speak with please pls
    un una el la con de verdad atencion servicio por favor
    une le vrai vraie reel reelle svp
    einen einem einer echten richtigen menschlichen mit bitte
    um uma o com verdade atendimento algum alguma
    """
)
# Verbs of reaching someone: "talk to", "hablar con", "parler à", "verbinden mit", "falar com".
_REACH = _one_of(
    r"""
    talk(?:s|ed|ing)? speak(?:s|ing)? spoke chat(?:s|ted|ting)? contact(?:s|ed|ing)?
    reach(?:ing)? connect(?:s|ed|ing)? transfer(?:s|red|ring)? put_me_through pass_me hand_me
    escalate get_me give_me redirect(?:ed)? direct_me forward_me get_in_touch get_hold_of
    get_through deal_with
    (?:em|en|in)_(?:contato|contacto|contact|kontakt|touch)_(?:com|con|avec|mit|with)
    hablar hable hablo conversar chatear comunicar(?:me)? comuniquen(?:me)? contactar(?:me)?
    contacten(?:me)? pas(?:ame|arme|enme|eme) me_pas(?:a|an|as|e|en) transferir(?:me)?
    transfier(?:eme|anme) conect(?:ar|en|e)(?:me)? atiend(?:a|an|e|en) ponerme_en_contacto
    pong(?:a|an)(?:me)?
    parler discuter joindre contacter passez_moi passer_moi me_passer en_relation transferer
    transferez_moi rappelee? rappeler rappelez_moi echanger
    sprechen reden chatten verbinden verbunden kontaktieren erreichen weiterleiten ruckruf
    falar contatar chamar transfer(?:e|a|ir|am)(?:_me)? me_transfer(?:e|a|ir|am)
    me_pass(?:a|e|em|ar) atendid[oa]
    """
)
# The reaching verb after the person, as German puts it: "mit einem Mitarbeiter sprechen".
_REACH_LAST = _one_of(
    r"""
    sprechen reden chatten telefonieren verbunden verbinden durchstellen durch weiterleiten
    weitergeleitet zuruckrufen
    """
)
# A person doing the reaching: "have someone call me", "un conseiller peut-il me rappeler".
_CALL_ME = _one_of(
    r"""
    (?:call|contact|ring|phone|email|text)_me reach_out_to_me get_(?:back_)?in_touch_with_me
    get_back_to_me me_(?:llame|llamen|contacte|contacten|escriba)
    me_(?:rappeler|rappelle|contacter|recontacter|appeler)
    mich_(?:anrufen|zuruckrufen|kontaktieren) me_(?:ligar|ligue|liguem|contatar|contate|chamar)
    """
)
_WANT = _one_of(
    r"""
    want wants need needs demand require request would_like d_like wanna prefer give_me get_me
    bring_me find_me gimme
    quiero necesito exijo quisiera prefiero deseo me_gustaria solicito dame denme deme
    veux voudrais aimerais souhaite exige il_me_faut besoin_d donnez_moi
    will mochte brauche verlange hatte_gern geben_sie_mir gib_mir
    quero preciso gostaria desejo queria me_de me_da
    """
)
# Asking about a person or the job is not asking for one; nor is naming a bot.
_NOT_A_REQUEST = (
    r"\b"
    + _one_of(
        r"""
        become becoming jobs? careers? hiring hire recruit\w* vacanc\w* work_as working_as
        delivery courier driver shipping
        (?:virtual|ai|digital|automated|bot|robot|chatbot|chat_bot)_(?:assistants?|agents?)
        hacerme convertirme trabajar_como trabajo empleo
        devenir travailler_comme emploi recrutez a_que_hora a_que_horas what_time quelle_heure
        werde_ich bewerben bewerbung arbeiten_als (?<!verbunden_)werden
        me_torno me_tornar tornar_me trabalhar_como vaga emprego
        person_or_an?_(?:bot|robot|machine) persona_o_(?:un_)?(?:bot|robot|maquina)
        personne_ou_(?:un_)?(?:bot|robot) mensch_oder_(?:ein_)?(?:bot|roboter|maschine)
        pessoa_ou_(?:um_)?(?:bot|robo|maquina) do_i_(?:need|have)_to faut_il muss_ich
        if_i_write si_j_ecris si_escribo wenn_ich_(?:\w+_)?schreibe se_eu_escrever
        outside_(?:your_|the_)?(?:chat_|opening_|business_)?hours when_does
        (?:humans?|persons?|people|agents?|humanos?|humanas?|personas?|humains?|personnes?|menschen|mensch|pessoas?)_(?:or|o|ou|oder)_(?:\w+_){0,2}(?:bot|robot|robo|roboter|chatbot|machine|maquina|maschine|ai|ia|ki|programa?|programm|computer|ordinateur|automat\w*)
        who_(?:answers|replies|responds|reads) quien_(?:responde|contesta|atiende|lee)
        qui_(?:repond|lit)
        wer_(?:antwortet|liest|schreibt) quem_(?:responde|atende|le)
        (?:what|which)_hours (?:en_)?que_horarios? quelles?_heures? horaires? horarios?
        zu_welchen_(?:zeiten|uhrzeiten) welche_(?:zeiten|uhrzeit)
        wann_(?:sind|ist|antworten|arbeiten)
        em_que_horarios? qual_(?:o_)?horario quando_(?:tem|ha)
        (?:when|cuando|quand|wenn|quando)_(?:nobody|no_one|noone|nadie|personne_n|niemand|ninguem)
        nobody_s_there no_one_s_there
        (?:does|will|would)_(?:a_|an_|the_)?(?:person|human|someone|somebody|agent)_(?:still_|then_|later_)?(?:get|reply|answer|respond|read|see)
        (?:est_ce_qu_)?un_(?:humain|conseiller)_(?:me_)?(?:repond|lit)
        (?:responde|contesta)_una_persona
        antwortet_(?:ein_|dann_)?(?:mensch|mitarbeiter) (?:responde|atende)_(?:uma_)?pessoa
        (?:is|it|chat)_(?:\w+_)?(?:answered|staffed|run|handled)_by
        (?:es|esta|chat)_(?:atendido|llevado|contestado)_por (?:est|chat)_tenu_par
        (?:wird|chat)_(?:\w+_)?(?:betreut|beantwortet)_von (?:e|esta|chat)_atendido_por
        """
    )
    + r"\b"
)
# When the chat is staffed: "is there someone on the chat on Saturdays" asks about hours.
_WHEN_STAFFED = (
    r"\b"
    + _one_of(
        r"""
        saturdays? sundays? weekends? holidays? nights? what_time opening_hours (?:what|which)_hours
        sabados? domingos? fines_de_semana festivos? a_que_hora\w* horarios?
        samedis? dimanches? week_ends? jours_feries nuit quelle_heure horaires?
        samstags? sonntags? wochenenden? feiertag\w* nachts um_wie_viel_uhr
        fins?_de_semana feriados? noite a_que_horas que_horas
        """
    )
    + r"\b"
)
# What may stand around a person in a message that is nothing but the request: "agent pls".
_PLEASE = _one_of(
    r"""
    please pls plz now asap hi hello hey a an the real live actual human
    por_favor porfa ya un una el de_verdad
    s_il_vous_plait s_il_te_plait svp stp vrai
    bitte jetzt einen echten um uma agora \|
    """
)
# Who a bare message may name and still mean "get me one" ("agent", "humano por favor").
_BARE_PERSON = _one_of(
    r"""
    humans? persons? agents? representatives? reps? operators? managers? supervisors?
    real_person live_agent persona human[oa] agente asesor operador representante personne
    humaine? conseill(?:er|ere) operateur mensch menschen mitarbeiter berater pessoa atendente
    """
)
_ON_THE_PHONE = _one_of(
    "on_the_(?:line|phone) al_telefono au_telephone am_telefon no_telefone ao_telefone"
)
_IS_THERE = _one_of("is_there are_there is_anyone is_somebody is_someone tem hay y_a_t_il gibt_es")

_ACCOUNT = _one_of(
    r"""
    account accounts acct login password email profile cuenta contrasena perfil compte
    mot_de_passe konto kundenkonto passwort conta senha
    """
)
_INTRUDER = _one_of(
    r"""
    someone somebody some_one a_stranger strangers an_unknown_person a_hacker hackers? alguien
    quelqu_un jemand alguem
    """
)
_BREAK_IN = _one_of(
    r"""
    logged log login signed sign accessed access got_into get_into broke_into break_into using
    used changed change stole hijacked took_over
    entro accedio uso cambio robo utilizo
    connecte accede vole pirate utilisee?
    eingeloggt angemeldet zugegriffen geandert gestohlen benutzt verwendet
    entrou acessou invadiu mudou alterou roubou usou usado
    """
)
# Buying with someone else's card.
_PURCHASE = _one_of(
    r"""
    bought ordered purchased paid compro pago achete commande paye bestellt gekauft bezahlt
    comprou pagou
    """
)
_PAYMENT = _one_of(
    r"""
    charges? transactions? purchases? payments? debits? withdrawals? orders?
    cargos? compras? cobros? pagos? transacci(?:on|ones) pedidos?
    prelevements? paiements? achats? commandes?
    abbuchung(?:en)? buchung(?:en)? zahlung(?:en)? transaktion(?:en)? belastung(?:en)?
    bestellung(?:en)? cobrancas? transac(?:ao|oes)
    """
)
_CARD = _one_of(
    r"""
    cards? credit_card debit_card wallet identity credentials tarjetas? cartes? carte_bancaire
    karten? kreditkarten? ec_karte cart(?:ao|oes)
    """
)
_STOLEN = _one_of(r"stolen robad[oa]s? volee?s? gestohlen roubad[oa]s? clonad[oa]s? cloned skimmed")
_STOLE = _one_of("stole stolen robaron robado vole volee gestohlen roubaram roubou clonaram")
_HACKED = _one_of(
    r"""
    hacked compromised taken_over hijacked hackead[oa] hackeo pirate piratee gehackt
    kompromittiert invadid[oa] comprometid[oa] compromis
    """
)
_UNAUTHORISED = _one_of(
    r"""
    unauthori[sz]ed fraudulent unrecogni[sz]ed unknown suspicious unberechtigte?n?
    nicht_autorisierte?n? unautorisierte?n? betrugerische?n? frauduleu(?:x|se|ses) indevid[oa]s?
    """
)
# Said after the payment: "a charge I didn't make", "cargo no autorizado", "sans mon accord".
_NOT_MINE = _one_of(
    r"""
    no_autorizad[oa]s? non_autorise(?:e|s|es)? nao_autorizad[oa]s? indevid[oa]s?
    frauduleu(?:x|se|ses) desconocid[oa]s? desconhecid[oa]s? fraudulent
    i_(?:did_?n_t|didnt|did_not|never)_(?:make|made|place|placed|authori[sz]ed?|recogni[sz]e|order|ordered|buy|bought)
    que_(?:yo_)?no_(?:hice|reconozco|autorice|realice|hicimos)
    que_je_n_ai_(?:jamais|pas)_(?:passee?s?|faite?s?|effectuee?s?|autorisee?s?)
    (?:habe|die)_ich_nicht_(?:gemacht|getatigt|autorisiert|veranlasst|aufgegeben|bestellt)
    que_(?:eu_)?nao_(?:fiz|reconheco|autorizei|fizemos)
    without_my_(?:permission|consent|authori[sz]ation)
    sin_mi_(?:permiso|autorizacion|consentimiento)
    sans_mon_(?:accord|autorisation|consentement)
    ohne_meine_(?:zustimmung|erlaubnis|autorisierung)
    sem_(?:minha_)?(?:autorizacao|permissao|consentimento)
    """
)
_DO_NOT_RECOGNISE = _one_of(
    r"""
    (?:don_t|do_not|didn_t|did_not|can_t|cannot)_recogni[sz]e no_reconozco no_reconocemos
    ne_(?:reconnais|reconnait|reconnaissons)_pas nao_reconheco nao_reconhecemos desconheco
    """
)
_FRAUD = _one_of(
    r"""
    fraud frauds fraudsters? fraudes? phishing phising smishing hameconnage betrug betruger
    betrugsversuch golpe golpista estafa estafadores arnaque scams? scammers?
    (?:pretending|claiming)_to_be_(?:from_)?(?:you|your_company|your_store)
    impersonating_(?:you|your) se_hacen?_pasar_por_ustedes
    """
)
_IDENTITY_THEFT = _one_of(
    r"""
    identity_theft robo_de_identidad suplantacion_de_identidad usurpation_d_identite
    identitatsdiebstahl roubo_de_identidade account_takeover
    i_(?:ve_|have_)?(?:been|got)_hacked been_hacked suspicious_(?:logins?|activity|sign_in)
    """
)
_LAWYER = _one_of(
    r"""
    lawyers? attorneys? solicitors? abogad[oa]s? avocat(?:e|s)? anwalt anwaltin anwalte
    rechtsanwalt\w* anwaltlich\w* advogad[oa]s?
    """
)
# Being a lawyer or knowing one is no threat; "avocat" is also the French avocado.
_NOT_A_THREAT = (
    r"\b(?:is|am|m|s|was|es|soy|est|suis|ist|bin|sou)_(?:a_|an_|un_|una_|une_|ein_|eine_|um_|uma_)?"
    + _LAWYER
    + r"\b|\bpower_of_attorney\b|\b(?:huile|salade|jus|creme|noyau|pulpe)_d_avocats?\b"
    r"|\bavocats?_(?:bio|murs?|frais)\b"
    # A lawyer who is a friend or relative, or who gave advice the customer asks us about.
    r"|\b(?:friends?|amig[oa]s?|ami|amie|freund(?:in|e|es)?|colleague|colega|collegue|kollegin|"
    r"kollege|sister|brother|hermana|hermano|soeur|frere|schwester|bruder|irma|irmao|cousin|"
    r"prim[oa]|vater|father|dad|mother|mom|padre|madre|pere|mere|pai|mae)\b"
    r"|\b(?:said|says|told_me|tells_me)_(?:that_)?(?:i|we)_(?:have|can|m|am|should|may)\b"
    r"|\b(?:dijo|dice|me_dijo|me_ha_dicho|dit|m_a_dit|falou|disse|diz|me_disse|me_falou)_que_"
    r"(?:tengo|puedo|tenemos|j_ai|je_peux|je_dois|j|tenho|posso|eu)\b"
    r"|\b(?:sagt|meint|meinte|hat_gesagt|sagte)_(?:mir_)?(?:dass_)?(?:ich|wir)\b"
    r"|\b(?:told_me_to|advised|recommended|suggested|me_aconsejo|me_recomendo|me_dijo_que_"
    r"(?:guarde|pida)|m_a_conseiller?|m_a_recommande|geraten|empfohlen|me_aconselhou|"
    r"me_recomendou|aconselhou|recomendou)\b"
    r"|\b(?:gift|regalo|regalar|cadeau|geschenk|presente)\b"
).replace("_", " ")
_LAWSUIT = _one_of(
    r"""
    lawsuits? litigation legal_(?:action|actions|proceedings|steps) class_action
    (?:will|ll|gonna|going_to|about_to|want_to|wanna|shall|would|could|i|we|to)_sue
    sue_(?:you|u|ya|yall|your|them|the_company|this_company|the_store|you_guys) suing sued
    acci(?:on|ones)_legal(?:es)? demandar\w* demandare demandaremos
    (?:poner|presentar|interponer)_una_demanda denunci\w+
    poursuivre_en_justice vous_poursuivre poursuites en_justice action_en_justice
    porter_plainte plainte_contre mise_en_demeure proces_contre
    verklagen verklage klage rechtliche\w*_schritte\w*
    processar_(?:voces|vcs|voce|vc|a_empresa|a_loja) vou_processar processo_(?:judicial|contra)
    abrir_um_processo acao_judicial (?:na|a)_justica
    report(?:ing)?_(?:you|u|this_(?:shop|store|company)|your_(?:shop|store|company))_to
    filing_a_(?:report|complaint)_with vous_signaler
    (?:je_)?(?:vous_)?signale_votre_(?:boutique|societe|magasin)
    melde_(?:euch|sie|ihren_laden|ihre_firma)_bei
    """
)
_COURT = _one_of(
    r"""
    (?:to|in|into)_court court_(?:case|action|order|claim) small_claims tribunal\w* juzgado
    juicio_contra llevar(?:los|te)?_a_juicio vor_gericht gerichtlich\w* zum_gericht juizado
    pequenas_causas
    """
)
_CHARGEBACK = _one_of(
    r"""
    chargebacks? charge_back
    disput(?:e|es|ed|ing)_(?:the|this|that|my|a)_(?:charges?|payments?|transactions?)
    contracargos? faire_opposition opposition_(?:sur|au)_(?:le_)?paiement retrofacturation
    ruckbuchung\w* zuruckbuchen zuruckbuchung contestar_a_(?:compra|cobranca)
    (?:vou|vamos|irei)_(?:pedir_|solicitar_|fazer_)?(?:o_|um_)?estorn\w*_(?:\w+_){0,4}?cartao
    (?:vou|vamos|irei)_(?:pedir_|solicitar_|fazer_)?(?:o_|um_)?estorn\w*_(?:\w+_){0,4}?operadora
    (?:vou|vamos|irei)_(?:pedir_|solicitar_|fazer_)?(?:o_|um_)?estorn\w*_(?:\w+_){0,4}?banco
    contestacao_(?:no|junto_ao|com_o)_(?:banco|cartao) contester_(?:le_|ce_)?paiement_aupres
    (?:i_will|i_ll|i_am_going_to|im_going_to|going_to)_dispute
    voy_a_(?:disputar|reclamar_el_cargo|pedir_(?:un_)?contracargo)
    """
)
_CONSUMER_AUTHORITY = _one_of(
    r"""
    trading_standards better_business_bureau bbb ombudsman consumer_protection_agency
    oficina_(?:municipal_)?del?_consumidor omic profeco facua ufc_que_choisir dgccrf
    verbraucherzentrale verbraucherschutz procon
    """
)
_PRIVACY_LAW = _one_of(
    r"""
    gdpr rgpd dsgvo lgpd ccpa cpra dsar lopd lopdgdd subject_access_request data_access_request
    data_protection_request right_to_(?:be_forgotten|erasure|access) data_portability
    derecho_al_olvido derecho_de_(?:acceso|supresion) portabilidad_de_(?:los_)?datos
    droit_a_l_oubli droit_d_acces portabilite_des_donnees
    recht_auf_(?:vergessenwerden|loschung|auskunft) auskunftsrecht datenauskunft
    datenubertragbarkeit
    direito_ao_esquecimento direito_de_acesso portabilidade_dos_dados
    """
)
_DATA = _one_of(
    r"""
    data personal_information personal_info personal_details
    information_you_(?:hold|have|keep|store) datos informacion_personal donnees
    informations_personnelles daten personenbezogenen_daten dados informacoes_pessoais
    """
)
_ERASE = _one_of(
    r"""
    delete deleted erase erased remove wipe purge destroy forget
    borrar borren borre eliminar eliminen elimine suprimir supriman supresion eliminacion
    supprimer supprimez suppression effacer effacez effacement
    loschen losche loschung geloscht
    apagar apaguem apague excluir excluam exclua exclusao eliminacao deletem deletar
    """
)
_HAND_OVER = _one_of(
    r"""
    copy export exports download access_to send_me copia exportar acceder_a acceso_a copie
    exporter telecharger acces_a kopie auskunft_uber exportieren acesso_a acessar copia_d
    m_envoyer envoyez_moi enviadme envienme mandenme schicken_sie_mir enviem_me me_enviem
    """
)
# Asking where or how to download one's data is a question the privacy article answers.
_WHERE_TO_DOWNLOAD = (
    r"\b"
    + _one_of(
        r"""
        where how_(?:do|can|to|would) can_i_(?:download|export) settings
        donde como_(?:puedo|se|hago|descargo|exporto) configuracion ajustes
        ou_(?:je|puis|est|trouver|peut) comment parametres reglages
        wo_(?:kann|finde|lade) wie_(?:kann|lade|geht|bekomme) einstellungen
        onde como_(?:posso|faco|baixo|exporto) configurac(?:ao|oes)
        """
    )
    + r"\b"
)
_WHAT_DATA = _one_of(
    r"""
    what_(?:personal_)?data_do_you_(?:have|hold|keep|store)
    quelles_donnees_(?:avez|detenez|conservez) welche_daten_(?:haben|speichern)
    """
)
_END = _one_of(
    r"""
    cancel cancell?ing cancell?ation_of terminate terminating termination_of end ending stop
    close closing deactivate delete deleting remove discontinue quit get_rid_of
    cancelar cancelen cancela cancele cancelo anular anulen dar_de_baja darme_de_baja
    darse_de_baja den_de_baja de_baja cerrar cierren cierre eliminar eliminen borrar terminar
    rescindir finalizar
    resilier resiliez resilie resiliation_d annuler annulez fermer fermez supprimer supprimez
    cloturer cloturez mettre_fin_a desactiver
    kundigen kundige kundigung loschen schliessen beenden deaktivieren
    encerrar encerrem excluir excluam apagar apaguem apague fechar desativar deletar cancelem
    """
)
# Ending these is a cancellation: the account, a subscription, a contract.
_SUBSCRIPTION = _one_of(
    r"""
    account subscriptions? membership plan contract acct
    cuenta suscripcion membresia contrato abono servicio
    compte abonnement contrat adhesion forfait
    abo konto kundenkonto benutzerkonto vertrag mitgliedschaft
    conta assinatura plano cadastro matricula
    """
)
_SUBSCRIPTION_MODIFIER = _one_of(
    r"""
    my the our this your whole entire current premium pro monthly annual yearly paid user
    customer family business basic plus online please hereby immediately now
    mi la el del de toda por_favor por_la_presente ahora ya
    mon ma le l mes svp par_la_presente immediatement
    sie mein meine meinen das den bitte hiermit sofort jetzt
    minha meu a o da do sua seu agora ja
    """
)
_ENDED_AFTER = _one_of(
    r"""
    kundigen loschen schliessen beenden deaktivieren auflosen cancel(?:l?ed)? cancelad[oa]
    cancelar
    """
)
# Ending an order, an item or a newsletter is a question for the bot.
_NOT_A_SUBSCRIPTION = (
    r"\b"
    + _one_of(
        r"""
        newsletters? mailing emails? e_mails? boletin boletim infolettre lettre_d_information
        rundbrief orders? pedidos? commandes? bestellung items?
        correos? ofertas? promociones? publicidad marketing promotional promos? offers? deals
        courriels? mails? promotions? publicite offres? werbung werbe\w* angebote?
        promoc(?:ao|oes) sms notifications? notificaciones? notificac(?:ao|oes)
        benachrichtigung\w*
        """
    )
    + r"\b"
)
_LEAVING = _one_of(
    r"""
    take_my_business_elsewhere switch(?:ing)?_to_(?:a_|another_|your_)?competitors?
    going_to_a_competitor i_m_leaving_(?:you|your) me_voy_a_la_competencia
    je_pars_(?:chez|a)_la_concurrence zur_konkurrenz vou_para_a_concorrencia
    """
)
_COMPLAINT = _one_of(
    r"""
    complaints? complain complaining complained reclamations? porter_reclamation
    quejas? quejarme quejar reclamaci(?:on|ones) reclamo hoja_de_reclamaciones
    plaintes? me_plaindre plaindre
    beschwerde\w* beschweren beschwere reklamation\w* reklamieren
    reclamac(?:ao|oes) reclamar queixas? queixar reclame_aqui
    """
)
_NOT_A_COMPLAINT = (
    r"\b"
    + _one_of(
        r"""
        no_complaints not_complaining can_t_complain cant_complain never_complain
        reclamar_(?:el_|mi_|un_|o_|meu_|a_|minha_)?(?:reembolso|devolucion|descuento|cupon|premio|paquete|pedido|pacote|desconto|cupom)
        """
    )
    + r"\b"
)
_FILE = _one_of(r"fil\w* lodg\w* mak\w* maing mke submit\w* rais\w* open\w* put_in")
_CLAIM_KIND = _one_of("formal official customer consumer cutomer customr")
_NOT_A_COMPLAINT_CLAIM = (
    r"\bclaims? (?:for|on|under|with) (?:the |a |my )?"
    r"(?:warranty|guarantee|insurance|refund|discount|voucher|coupon)\b"
    r"|\b(?:warranty|insurance|refund|guarantee) claims?\b"
)
_UNACCEPTABLE = _one_of(
    r"""
    unacceptable not_acceptable outrageous disgraceful a_disgrace appalling
    inaceptable es_una_verguenza inacceptable inadmissible scandaleux
    inakzeptabel unverschamt\w* unzumutbar frechheit inaceitavel um_absurdo un_absurdo
    c_est_honteux c_est_une_honte quelle_honte vous_vous_moquez_de_moi shameful disgraceful
    are_you_kidding_me you_must_be_joking que_vergonha uma_vergonha e_uma_vergonha
    vergonhoso me_estan_tomando_el_pelo es_vergonzoso que_verguenza so_eine_frechheit eine_schande
    """
)
# Telling us to cancel an order: the polite and plural imperatives, "please cancel".
_CANCEL_IMPERATIVE = _one_of(
    r"""
    please_cancel pls_cancel plz_cancel kindly_cancel cancel_(?=\w+_order_(?:number_|no_|nr_)?\d)
    cancelen cancele anulen anule por_favor_cancel\w* por_favor_anul\w*
    cancelad anulad cancelame cancelamelo anulame (?<!se_)(?<!como_)cancela(?=_mi_|_el_pedido)
    (?<!se_)(?<!como_)anula(?=_mi_|_el_pedido)
    annulez annuler_s_il_vous_plait merci_d_annuler annulez_moi
    (?<!j_)(?<!on_)(?<!il_)(?<!elle_)annule(?=_ma_|_mes_)
    stornieren_sie storniert storniere_bitte stornieren_bitte bitte_stornieren
    storniere(?=_meine_|_die_bestellung) storniert_bitte
    cancelem cancele_por_favor anulem (?<!se_)(?<!como_)cancela(?=_meu_|_minha_|_o_pedido)
    """
)
_ORDER_DETERMINER = _one_of(
    "my the this our that mi el mis ma la mes meine die unsere a minha meu o"
)
_ORDER = _one_of("orders? pedidos? compras? commandes? bestellung\\w* encomendas?")
# Insults to the shop, which no article answers.
_INSULT = _one_of(
    r"""
    worst_service worst_company worst_shop worst_store useless_company rip_off scam(?:mers)?
    peor_servicio peor_tienda una_estafa estafadores una_verguenza
    pire_service pire_boutique arnaque\w* nuls?_a_chier foutage_de_gueule
    total_joke a_complete_joke lo_peor das_(?:aller)?letzte um_lixo uma_piada
    bande_d_(?:amateurs|incapables|escrocs|guignols) ne_remettrai_(?:jamais|plus)_les_pieds
    (?:tienda|loja|laden|boutique)_(?:mas_|tan_|so_|si_)?(?:lamentable|ridicul[oa]|ridicule|erbarmlich|schlechter)
    saftladen schlechtester_service abzocke\w* drecksladen
    pior_servico pior_loja uma_vergonha palhacada golpe
    """
)
# Calling the shop or its people useless, and saying one will never buy there again.
_YOU_ARE = _one_of(
    r"""
    you_re you_are you_guys_are you_people_are ur your_(?:staff|team|people|agents)_(?:are|is)
    sois son_ustedes ustedes_son vosotros_sois vous_etes etes_vous
    ihr_seid seid_ihr sie_sind vos_sao voces_sao vcs_sao sao
    """
)
_USELESS = _one_of(
    r"""
    useless incompetent hopeless clueless a_joke pathetic idiots clowns
    inutiles incompetentes unos_payasos un_desastre una_panda_de_\w+ patetic[oa]s
    nuls incompetents des_incapables des_guignols des_clowns pathetiques lamentables
    unfahig inkompetent nutzlos\w* idioten clowns eine_katastrophe
    inuteis incompetentes uns_palhacos pateticos
    """
)
_BAD_SERVICE = _one_of(
    r"""
    (?:customer_)?service_(?:is_)?(?:terrible|awful|horrible|rubbish|garbage|trash|useless|a_joke|pathetic|nonexistent)
    servicio_(?:al_cliente_|de_atencion_)?(?:es_)?(?:pesimo|horrible|lamentable|penoso|nefasto|una_mierda|inexistente)
    atencion_al_cliente_(?:es_)?(?:pesima|horrible|lamentable|penosa|nefasta|inexistente)
    (?:service_client|sav)_(?:est_)?(?:nul|lamentable|catastrophique|inexistant|minable|pitoyable|a_chier|une_honte)
    kundenservice_(?:ist_)?(?:mies|miserabel|katastrophal|unterirdisch|eine_frechheit|eine_katastrophe|nicht_existent|grottenschlecht)
    (?:servico|atendimento)_(?:ao_cliente_|de_voces_)?(?:e_)?(?:pessimo|horrivel|lamentavel|uma_porcaria|uma_merda|inexistente|uma_vergonha)
    """
)
_NEVER_AGAIN = _one_of(
    r"""
    never_again
    never_(?:\w+_)?(?:order(?:ing)?|buy(?:ing)?|shop(?:ping)?|purchas(?:e|ing))_(?:\w+_){0,3}again
    last_time_i_(?:order|buy|shop)
    nunca_mas no_(?:vuelvo|volvere|vuelvo_a|volvere_a)_(?:a_)?(?:comprar|pedir)
    no_os_vuelvo_a_comprar
    plus_jamais jamais_plus (?:je_ne|ne)_(?:commanderai|commande|acheterai)_plus
    nie_wieder nie_mehr nimmer_wieder
    nunca_mais (?:nao_)?(?:compro|volto_a_comprar)_mais
    """
)
# Something that failed before and failed again.
_AGAIN = _one_of(
    r"""
    again also_arrived yet_again once_again third_time fourth_time second_time
    otra_vez de_nuevo tercera_vez encore_une_fois a_nouveau de_nouveau troisieme_fois
    schon_wieder wieder_mal erneut zum_dritten_mal outra_vez de_novo novamente terceira_vez
    """
)
_FAILED = _one_of(
    r"""
    ripped broken torn damaged wrong_size wrong_item wrong_colou?r never_arrived
    roto rota rotos rotas talla_equivocada equivocad[oa] danad[oa]
    dechire\w* casse\w* abime\w* mauvaise_taille
    falsche\w*_grosse falsch\w* kaputt\w* beschadigt\w* zerrissen\w*
    rasgad[oa] quebrad[oa] tamanho_errado errad[oa]
    """
)
_IS_THERE_PERSON = _one_of(
    r"""
    humans? person people agents? supervisor manager humanos? personas? pessoas? atendentes?
    agentes? humains? personnes? menschen mensch mitarbeiter someone somebody anyone alguem
    alguien quelqu_un jemand
    """
)


# -- the rules --------------------------------------------------------------------------------


def _rule(
    name: str, reason: str, *patterns: str, unless: str | None = None, window: int = 4
) -> _Rule:
    return _Rule(
        name,
        reason,
        re.compile("|".join(patterns)),
        re.compile(unless) if unless is not None else None,
        window,
    )


_RULES: tuple[_Rule, ...] = (
    # security: someone else in the account, money taken, stolen cards, fraud, phishing.
    _rule(
        "security.account_takeover",
        reasons.SECURITY,
        rf"\b{_ACCOUNT} {_gap(3)}(?:(?:was|has been|got|is|been|ha sido|fue|a ete|wurde|foi) )?"
        rf"{_HACKED}\b",
        rf"\b(?:hacked|hackearon|hackeo|pirate|hackearam|hackeou|invadiram) {_gap(3)}{_ACCOUNT}\b",
        rf"\b{_IDENTITY_THEFT}\b",
    ),
    _rule(
        "security.someone_in_account",
        reasons.SECURITY,
        rf"\b{_INTRUDER} {_gap(4)}{_BREAK_IN} {_gap(4)}(?:{_ACCOUNT}|{_CARD})\b",
        rf"\b{_INTRUDER} {_gap(4)}{_ACCOUNT} {_gap(3)}{_BREAK_IN}\b",
        rf"\b{_INTRUDER} {_gap(4)}{_PURCHASE} {_gap(4)}{_CARD}\b",
        rf"\b{_INTRUDER} {_gap(4)}{_CARD} {_gap(3)}(?:{_BREAK_IN}|{_PURCHASE})\b",
    ),
    _rule(
        "security.unauthorised_payment",
        reasons.SECURITY,
        rf"\b{_UNAUTHORISED} {_gap(2)}{_PAYMENT}\b",
        rf"\b{_PAYMENT} {_gap(4)}{_NOT_MINE}\b",
        r"\bn ai (?:jamais|pas) (?:passe|fait|effectue|autorise) (?:cette|ces|cet) "
        r"(?:commande|achat|paiement)s?\b",
        rf"\bnao (?:fiz|reconheco|autorizei) (?:essa|esta|essas|estas|este|esse) {_PAYMENT}\b",
        r"\bi (?:did ?n t|didnt|did not|never) (?:make|made|place|placed|authori[sz]e) "
        rf"(?:this|these|that|those) {_PAYMENT}\b",
    ),
    _rule(
        "security.unrecognised_payment",
        reasons.SECURITY,
        rf"\b{_DO_NOT_RECOGNISE} {_gap(2)}{_PAYMENT}\b",
        rf"\b{_PAYMENT} {_gap(3)}(?:kenne|erkenne|kennen) (?:ich|wir) nicht\b",
        rf"\b(?:kenne|erkenne) (?:ich )?(?:diese|die|den|das) {_PAYMENT} nicht\b",
    ),
    _rule(
        "security.stolen_card",
        reasons.SECURITY,
        rf"\b{_CARD} {_gap(3)}{_STOLEN}\b",
        rf"\b{_STOLE} {_gap(3)}(?:{_CARD}|{_ACCOUNT})\b",
    ),
    _rule("security.fraud", reasons.SECURITY, rf"\b{_FRAUD}\b"),
    # legal: lawyers, courts, suing, chargebacks, consumer authorities.
    _rule("legal.lawyer", reasons.LEGAL, rf"\b{_LAWYER}\b", unless=_NOT_A_THREAT, window=6),
    _rule("legal.lawsuit", reasons.LEGAL, rf"\b{_LAWSUIT}\b"),
    _rule("legal.court", reasons.LEGAL, rf"\b{_COURT}\b"),
    _rule("legal.chargeback", reasons.LEGAL, rf"\b{_CHARGEBACK}\b"),
    _rule("legal.consumer_authority", reasons.LEGAL, rf"\b{_CONSUMER_AUTHORITY}\b"),
    # data_request: data-protection rights (erasure, access, portability) and the laws named.
    _rule("data_request.privacy_law", reasons.DATA_REQUEST, rf"\b{_PRIVACY_LAW}\b"),
    _rule(
        "data_request.erase_data",
        reasons.DATA_REQUEST,
        rf"\b{_ERASE} {_gap(6)}{_DATA}\b",
        rf"\b{_DATA} {_gap(3)}{_ERASE}\b",
        unless=r"\b(?:cache|cookies|browser|history)\b",
    ),
    _rule(
        "data_request.copy_of_data",
        reasons.DATA_REQUEST,
        rf"\b{_HAND_OVER} {_gap(4)}{_DATA}\b",
        rf"\b{_WHAT_DATA}",
        unless=_WHERE_TO_DOWNLOAD,
        window=8,
    ),
    # cancellation: ending the account, subscription or contract (not an order, not a newsletter).
    _rule(
        "cancellation.end_subscription",
        reasons.CANCELLATION,
        rf"\b{_END} (?:{_SUBSCRIPTION_MODIFIER} ){{0,3}}{_SUBSCRIPTION}\b",
        rf"\b{_SUBSCRIPTION} (?:{_SUBSCRIPTION_MODIFIER} ){{0,2}}{_ENDED_AFTER}\b",
        rf"\bkundigung {_gap(2)}{_SUBSCRIPTION}\b",
        rf"\b{_SUBSCRIPTION} {_gap(5)}(?:cancel|close|end|terminate|stop) (?:it|this|that)\b",
        rf"\b(?:don t|do not|no longer) (?:want|need) (?:{_SUBSCRIPTION_MODIFIER} )*"
        rf"{_SUBSCRIPTION}\b",
        unless=_NOT_A_SUBSCRIPTION,
    ),
    _rule("cancellation.leaving", reasons.CANCELLATION, rf"\b{_LEAVING}\b"),
    # ... and an order the customer tells us to cancel (an imperative or "please"), which
    # takes a person; asking how or until when one can cancel stays with the bot.
    _rule(
        "cancellation.cancel_this_order",
        reasons.CANCELLATION,
        rf"\b{_CANCEL_IMPERATIVE} (?:{_ORDER_DETERMINER} ){{0,2}}{_ORDER}\b",
        rf"\b{_ORDER_DETERMINER} {_ORDER} (?:\w+ ){{0,2}}(?:stornieren sie|bitte stornieren)\b",
    ),
    # complaint: filing one, following one up, or calling the service unacceptable.
    _rule("complaint.complaint", reasons.COMPLAINT, rf"\b{_COMPLAINT}\b", unless=_NOT_A_COMPLAINT),
    _rule(
        "complaint.claim",
        reasons.COMPLAINT,
        rf"\b{_FILE} (?:a |an |my )?(?:\w+ )?(?:{_CLAIM_KIND} )?claims?\b",
        r"\b(?:customer|consumer) claims?\b",
        r"\bclaims? against\b",
        unless=_NOT_A_COMPLAINT_CLAIM,
    ),
    _rule("complaint.unacceptable", reasons.COMPLAINT, rf"\b{_UNACCEPTABLE}\b"),
    _rule("complaint.insult", reasons.COMPLAINT, rf"\b{_INSULT}\b"),
    _rule(
        "complaint.abuse",
        reasons.COMPLAINT,
        rf"\b{_YOU_ARE} (?:\w+ ){{0,2}}{_USELESS}\b",
        rf"\b{_BAD_SERVICE}\b",
        rf"\b{_NEVER_AGAIN}\b",
    ),
    _rule(
        "complaint.failed_again",
        reasons.COMPLAINT,
        rf"\b{_AGAIN} {_gap(4)}{_FAILED}\b",
        rf"\b{_FAILED} {_gap(4)}{_AGAIN}\b",
    ),
    # customer_request: asking for a person, in so many words.
    _rule(
        "customer_request.reach_person",
        reasons.CUSTOMER_REQUEST,
        rf"\b{_REACH} {_gap(4)}{_PERSON}\b",
        unless=_NOT_A_REQUEST,
    ),
    _rule(
        "customer_request.person_then_reach",
        reasons.CUSTOMER_REQUEST,
        rf"\b(?:mit|zu|an|von) {_gap(3)}{_PERSON} {_gap(3)}{_REACH_LAST}\b",
        rf"\b{_PERSON} {_gap(3)}{_CALL_ME}\b",
        unless=_NOT_A_REQUEST,
    ),
    _rule(
        "customer_request.wants_person",
        reasons.CUSTOMER_REQUEST,
        rf"\b{_WANT} (?:{_PERSON_MODIFIER} ){{0,5}}{_PERSON}\b",
        unless=_NOT_A_REQUEST,
    ),
    _rule(
        "customer_request.person_on_the_phone",
        reasons.CUSTOMER_REQUEST,
        rf"\b{_PERSON} {_gap(2)}{_ON_THE_PHONE}\b",
        unless=_NOT_A_REQUEST,
    ),
    _rule(
        "customer_request.is_there_a_person",
        reasons.CUSTOMER_REQUEST,
        rf"\b{_IS_THERE} (?:(?:a|an|any|some|algum|alguma|um|uma|un|una|une|einen|eine) )?"
        rf"(?:(?:real|live|actual|human) )?{_IS_THERE_PERSON}\b(?!.*{_WHEN_STAFFED})",
        unless=_WHEN_STAFFED,
    ),
    _rule(
        "customer_request.bare_person",
        reasons.CUSTOMER_REQUEST,
        rf"^(?:(?:i |we )?{_WANT} )?(?:{_PLEASE} )*{_BARE_PERSON}(?: {_PLEASE})*$",
    ),
)
