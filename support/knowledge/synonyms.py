"""Words customers use for what the help centre calls otherwise ("package" for parcel, "fee"
for cost): each group's words stand for each other in searches, in their language."""

from __future__ import annotations

import functools

from routing.language import terms

SYNONYMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("parcel", "package", "shipment", "delivery", "box"),
        ("shipping", "delivery", "postage", "dispatch"),
        ("cost", "price", "fee", "charge", "penalty"),
        ("cancel", "cancellation", "terminate", "termination", "withdraw", "withdrawal"),
        ("refund", "reimbursement", "reimburse"),
        ("register", "registration", "signup", "enroll"),
        ("invoice", "bill", "receipt"),
        ("change", "modify", "edit", "update", "correct"),
        ("password", "pin", "passcode"),
        ("account", "profile"),
        ("item", "product", "article"),
        ("broken", "damaged", "faulty", "defective"),
        ("voucher", "coupon", "promo", "discount"),
        ("shop", "store"),
        ("exchange", "swap", "switch"),
        ("instalment", "installment", "instalments", "installments"),
        ("late", "delayed", "overdue"),
        ("track", "trace", "tracking"),
    ),
    "es": (
        ("paquete", "envio", "pedido", "entrega"),
        ("coste", "costo", "precio", "cargo", "tarifa"),
        ("reembolso", "devolucion"),
        ("factura", "recibo"),
        ("cambiar", "modificar", "editar", "actualizar"),
        ("roto", "danado", "defectuoso"),
        ("cupon", "codigo", "descuento"),
        ("plazos", "cuotas", "financiar", "fraccionar"),
        ("seguimiento", "rastreo", "rastrear", "localizar"),
        ("retraso", "retrasado", "demora", "tarde"),
        ("talla", "tamano"),
        ("cambio", "canjear", "intercambiar"),
    ),
    "fr": (
        ("colis", "paquet", "livraison", "envoi"),
        ("cout", "prix", "frais", "tarif"),
        ("remboursement", "rembourser"),
        ("modifier", "changer", "corriger"),
        ("abime", "endommage", "casse", "defectueux"),
        ("echanger", "echange", "changer"),
        ("plusieurs", "mensualites", "echelonner", "fractionner"),
        ("suivi", "suivre", "tracer", "localiser"),
        ("retard", "retarde", "attente"),
        ("taille", "pointure"),
        ("facture", "recu"),
    ),
    "de": (
        ("paket", "sendung", "lieferung", "bestellung"),
        ("kosten", "preis", "gebuhr"),
        ("ruckerstattung", "erstattung", "geld"),
        ("andern", "bearbeiten", "korrigieren"),
        ("beschadigt", "kaputt", "defekt"),
        ("gutschein", "geschenkgutschein", "geschenkkarte"),
        ("zahlen", "bezahlen", "zahlung", "bezahlung"),
        ("zahlungsmethoden", "zahlungsarten", "zahlungsmoglichkeiten"),
        ("ratenzahlung", "raten", "teilzahlung", "finanzierung"),
        ("sendungsverfolgung", "verfolgen", "verfolgung", "tracking", "trackingnummer"),
        ("verspatet", "verspatung", "uberfallig"),
        ("umtauschen", "tauschen", "umtausch", "austauschen"),
        ("rechnung", "beleg", "quittung"),
        ("zuruckschicken", "zurucksenden", "rucksendung", "retoure", "zuruckgeben", "ruckgabe"),
    ),
    "pt": (
        ("pacote", "encomenda", "pedido", "entrega", "envio"),
        ("custo", "preco", "taxa", "frete"),
        ("casaco", "jaqueta"),
        ("fatura", "nota", "recibo"),
        ("mudar", "alterar", "modificar", "trocar"),
        ("danificado", "quebrado", "defeituoso", "estragado"),
        ("levantar", "retirar", "buscar"),
        ("rastrear", "acompanhar", "seguir", "rastreio", "rastreamento"),
        ("parcelar", "parcelas", "prestacoes", "parcelado"),
        ("atrasado", "atraso", "demora"),
        ("tamanho", "numero"),
        ("devolver", "devolucao", "retornar"),
    ),
}


@functools.cache
def _groups(language: str) -> dict[str, frozenset[str]]:
    """Each stem of the language's synonyms, with the stems it stands for."""
    found: dict[str, set[str]] = {}
    for group in SYNONYMS.get(language, ()):
        stems = {stem for word in group for stem in terms(word, language)}
        for stem in stems:
            found.setdefault(stem, set()).update(stems)
    return {stem: frozenset(others) for stem, others in found.items()}


def synonyms_of(term: str, language: str) -> frozenset[str]:
    return _groups(language).get(term, frozenset())
