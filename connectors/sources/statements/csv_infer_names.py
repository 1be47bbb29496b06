"""Which column is which, for bank CSV inference: header names in many languages, folded
and matched, then checked against the values (a date column must read as dates, an amount
column as amounts); a Gross/Fee/Net platform report's net; a blank-headed debit/credit mark
column. Two columns fitting one field equally are refused, never picked.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from dunwell.currencies import is_currency

from .csv_infer_values import (
    CREDIT_WORDS,
    DEBIT_WORDS,
    HOW,
    SIGN_WORDS,
    InferenceUnsure,
    cell_at,
    fitting_date_formats,
    number_format_of,
    to_decimal,
)
from .text import is_iban

# Header names by field, lower-cased and without accents; the earlier a name, the better.
NAMES: dict[str, tuple[str, ...]] = {
    "booking_date": ("booking date", "posting date", "transaction date", "date", "completed date",
        "date completed (utc)", "started date", "buchungstag", "buchungsdatum", "datum",
        "boekdatum", "boekingsdatum", "transactiedatum", "date operation", "date d'operation",
        "date de comptabilisation", "date comptable", "fecha operacion", "fecha", "fecha contable",
        "data operazione", "data contabile", "data", "data ksiegowania", "data operacji",
        "data transakcji", "posted date", "trans. date", "date posted", "bokforingsdag",
        "bokforingsdatum", "transaktionsdag", "transaktionsdatum", "dato", "bogforingsdato",
        "bokforingsdato", "kirjauspaiva", "tapahtumapaiva", "maksupaiva", "datum zauctovani",
        "datum provedeni", "data wykonania", "data ksiegowania operacji", "data mov.",
        "data mov", "data movimento", "data do movimento", "data lancamento",
        "data de lancamento", "konyvelesi datum", "konyveles datuma", "konyvelesi nap",
        "created", "created utc", "created (utc)", "created date", "settlement date",
        "kuupaev", "tarih", "islem tarihi", "data tranzactiei", "data inregistrarii",
        "datum knjizenja", "datum transakcije", "datums", "tanggal", "date de l'operation",
        "fecha de operacion", "txn date", "tran date"),
    "value_date": ("value date", "valuta", "wertstellung", "valutadatum", "rentedatum",
        "date de valeur", "fecha valor", "data valuta", "data waluty", "valutadag", "arvopaiva",
        "valuteringsdato", "rentedato", "datum valuty", "data valor", "data-valor",
        "erteknap", "available on", "available on utc", "datum valute", "value dt"),
    "amount": ("amount", "transaction amount", "amount (eur)", "betrag", "betrag (eur)", "umsatz",
        "bedrag", "bedrag (eur)", "montant", "importe", "importo", "kwota", "kwota operacji",
        "value", "net amount", "amount eur", "betrag (€)", "montant (eur)", "belopp", "belob",
        "maara", "summa", "objem", "castka", "kwota transakcji", "suma", "belop",
        "amount in account currency", "importancia", "montante", "valor", "zauctovana castka",
        "osszeg", "terheles osszege", "total amount", "total amount (incl. vat)", "tutar",
        "islem tutari", "iznos", "znesek", "monto", "summe"),
    "debit": ("debit", "debit amount", "withdrawal", "withdrawals", "money out", "paid out",
        "soll", "lastschrift", "af", "debet", "debit (eur)", "debito", "cargo", "addebiti",
        "uscite", "obciazenia", "wydatki", "debit (€)", "utgift", "uttag", "udbetaling", "ut",
        "veloitus", "nosto", "obciazenie", "wyplaty", "odchozi", "ut fra konto", "ut av konto",
        "uttak", "charge", "charges", "terheles", "deebet", "borc", "dare", "belastung",
        "isplata", "breme", "retiro", "retiros", "cargos", "withdrawal amt.", "withdrawal amount"),
    "credit": ("credit", "credit amount", "deposit", "deposits", "money in", "paid in", "haben",
        "gutschrift", "bij", "credit (eur)", "credito", "abono", "abonos", "accrediti", "entrate",
        "uznania", "wplywy", "credit (€)", "insattning", "inbetalning", "indbetaling", "in",
        "pano", "hyvitys", "uznanie", "prichozi", "inn pa konto", "inn", "innskudd",
        "payment", "payments", "jovairas", "kreedit", "alacak", "avere",
        "uplata", "dobro", "deposito", "depositos", "deposit amt.", "deposit amount"),
    "currency": ("currency", "ccy", "valuta", "wahrung", "waehrung", "valuta code", "munt",
        "devise", "monnaie", "divisa", "moneda", "waluta", "currency code", "devies", "valuutta",
        "mena", "mynt", "waluta operacji", "moeda", "mena uctu", "deviza", "penznem",
        "valuuta", "doviz", "doviz cinsi", "para birimi", "valiuta"),
    "counterparty_name": ("counterparty", "counterparty name", "payee", "payer", "payee/payer",
        "name", "merchant", "beneficiary", "beguenstigter/zahlungspflichtiger",
        "begunstigter/zahlungspflichtiger", "zahlungsempfanger", "auftraggeber/empfanger",
        "empfanger", "auftraggeber", "zahlungspflichtige*r", "zahlungsempfanger*in", "naam",
        "naam / omschrijving", "tegenpartij", "naam tegenpartij", "beneficiaire", "tiers",
        "contrepartie", "beneficiario", "ordenante", "controparte", "kontrahent",
        "nazwa kontrahenta", "odbiorca", "nadawca", "counter party", "other party", "namn",
        "mottagare", "saaja/maksaja", "saaja", "maksaja", "nazev protiuctu",
        "nazwa odbiorcy/nadawcy", "modtager", "betalningsmottagare", "naam tegenpartij bevat",
        "navn", "nome", "partner neve", "kedvezmenyezett neve", "kedvezmenyezett",
        "ellenoldali nev", "saaja/maksja nimi", "saaja/maksja",
        "gavejas", "gavejas/moketojas", "sanemejs/maksatajs", "sanemejs", "beneficiary/payer"),
    "counterparty_iban": ("iban", "counterparty iban", "counterparty account", "iban/kontonummer",
        "kontonummer/iban", "iban zahlungsempfanger", "tegenrekening", "tegenrekening iban",
        "rekening tegenpartij", "compte", "iban contrepartie", "cuenta", "conto",
        "rachunek kontrahenta", "numer rachunku", "protiucet", "saajan tilinumero",
        "saajan tilinumero ja pankin bic", "motkonto", "rachunek nadawcy/odbiorcy", "tilinumero",
        "saaja/maksja konto"),
    "remittance_info": ("description", "reference", "memo", "details", "payment reference",
        "narrative", "transaction description", "verwendungszweck", "buchungstext",
        "vorgang/verwendungszweck", "umsatztext", "omschrijving", "mededelingen", "mededeling",
        "libelle", "libelle operation", "communication", "concepto", "descripcion", "causale",
        "descrizione", "tytul", "tytul operacji", "opis", "opis operacji", "text", "purpose",
        "remittance information", "beskrivning", "rubrik", "tekst", "viesti", "selitys",
        "meddelande", "zprava pro prijemce", "poznamka", "specifikation", "transaktionstext",
        "opis transakcji", "forklaring", "beskrivelse", "descricao", "descritivo",
        "descricao do movimento", "zprava", "kozlemeny", "megjegyzes", "aciklama", "narration",
        "particulars", "descriere", "detalii", "detalii tranzactie", "paskirtis", "apraksts",
        "historico", "keterangan", "descrizione operazione", "title", "paaiskinimai",
        "informacija sanemejam", "details of payment"),
    "transaction_id": ("transaction id", "transaction reference", "id", "reference number",
        "transaktions-id", "referenz", "kenmerk", "reference operation", "numero de transaction",
        "id pohybu", "arkistointitunnus", "transactienummer", "radnummer", "id transakce",
        "balance transaction id", "tranzakcio azonosito", "arhiveerimistunnus", "dekont no"),
    "sign": ("debit/credit", "af bij", "d/c", "cr/dr", "soll/haben", "credit/debit", "s/h",
        "debit credit", "t/j", "terheles/jovairas", "d/h", "deebet/kreedit (d/c)",
        "deebet/kreedit", "borc/alacak", "d/k", "+/-", "sign", "segno", "vorzeichen", "signe",
        "debets/kredits", "debetas/kreditas"),
    "status": ("status", "state", "estado", "stato", "stav", "allapot"),
    "balance": ("balance", "running balance", "saldo", "bokfort saldo", "kontostand", "solde",
        "saldo po operacji", "saldo na koncie", "available balance", "ledger balance", "zustatek",
        "saldo contabilistico", "saldo disponivel", "egyenleg", "bakiye", "sold", "stanje",
        "closing balance", "likutis"),
    "account": ("account", "account number", "iban account", "auftragskonto", "konto", "rekening",
        "rekeningnummer", "numero de compte", "my account", "own account", "rachunek",
        "cislo uctu", "szamlaszam", "conta", "kliendi konto"),
}


_REQUIRED = ("booking_date",)


PENDING = {"reserverat", "reserveret", "reservert", "pending", "vorgemerkt", "reserviert",
           "varaus", "in behandeling", "en cours", "en attente", "pendiente", "in attesa",
           "oczekujaca", "blokada", "rezervace", "authorised", "authorized", "pendente",
           "fuggoben", "zpracovava se", "offen", "ausstehend", "venter", "vantande",
           "in sospeso", "en proceso", "in asteptare", "na cekanju", "umsatz vorgemerkt"}
NOT_BOOKED = PENDING | {"declined", "rejected", "refused", "cancelled", "canceled", "failed",
                        "reversed", "reverted", "abgelehnt", "storniert", "void", "geweigerd",
                        "refuse", "rechazado", "rifiutato", "odrzucona", "zamitnuto"}
BOOKED = ("completed", "posted", "booked", "gebucht", "umsatz gebucht", "settled", "cleared",
          "sent", "concluido", "zauctovano", "teljesitett", "executed", "processed", "udfort",
          "bogfort", "bokford", "genomford", "bokfort", "utfort", "ausgefuhrt", "effectue",
          "comptabilise", "completado", "contabilizado", "liquidado", "contabilizzato",
          "eseguito", "verwerkt", "geboekt", "uitgevoerd", "zrealizowana", "zaksiegowana",
          "realizado", "geaccepteerd")


def fold(name: str) -> str:
    """A header name compared loosely: lower case, no accents, single spaces, no quotes,
    no colon after it, without a currency after it ("Betrag (EUR)", "Débit euros", "Amount
    in GBP", "Montant en euros", "Withdrawal Amount (INR )", "Tutar TRY")."""
    text = unicodedata.normalize("NFKD", name.strip().strip('"').lstrip("#*").lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LETTERS)
    text = " ".join(text.replace("_", " ").split()).rstrip(":").rstrip()
    text = _CURRENCY_SUFFIX.sub("", text) or text
    code = _ISO_SUFFIX.search(text)
    if code and is_currency(code.group(1).upper()) and (
            code.group(1) not in _WORDS_NOT_CODES or code.group(1).upper() in name):
        text = text[:code.start()]
    return text


_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ı": "i",
                         "œ": "oe", "þ": "th"})


_CURRENCY_SUFFIX = re.compile(r"\s*(\(\s*(?:[a-z]{3}|euros?|[€$£])\s*\)|(?:(?:in|en|em|w) )?"
                              r"(?:eur|euros?|euroa|usd|gbp|chf|pln|sek|dkk|nok|czk|huf|cad|aud|"
                              r"[€$£]))$")
# Any ISO code after a name ("Amount INR"), unless it is also a word that may end a name.
_ISO_SUFFIX = re.compile(r"(?<=\S) (?:(?:in|en|em|w) )?([a-z]{3})$")
_WORDS_NOT_CODES = {"all", "top", "cup", "mop", "bam", "try", "pen", "mad", "sos", "bob", "gel"}


def known_names(text: str) -> tuple[int, int]:
    """How many cells of the file's first lines are column names inference knows, then how
    many amounts carry a currency sign: of two readings of an 8-bit file, the one with more
    is the right code page ("Beløb" in Windows-1252, not "Belřb" in Windows-1250; "£8.50",
    not "Ł8.50")."""
    vocabulary = {n for names in NAMES.values() for n in names}
    head = "\n".join(text.splitlines()[:40])
    cells = re.split(r"[;,\t|\n]", head)
    return (sum(fold(c) in vocabulary for c in cells if c.strip()),
            len(re.findall(r"[£€¥]\s?\d", head)))


def place_columns(names: list[str], body: list[list[str]], source: str, line: int
                  ) -> dict[str, int]:
    """The columns placed, or InferenceUnsure naming what could not be placed."""
    try:
        columns = _columns(names, body)
    except _Ambiguous as both:
        raise InferenceUnsure(source, f"columns {' and '.join(repr(c) for c in both.columns)} "
                              f"could both be the {both.field.replace('_', ' ')}; " + HOW,
                              line) from None
    missing = [f for f in _REQUIRED if f not in columns]
    if "amount" not in columns and not {"debit", "credit"} <= columns.keys():
        missing.append("amount (or debit and credit)")
    if missing:
        raise InferenceUnsure(source, _unsure(missing, names), line)
    return columns


def _unsure(missing: list[str], names: list[str]) -> str:
    return (f"cannot tell which column holds the {' and the '.join(missing)} among "
            f"{', '.join(repr(n) for n in names)}; " + HOW)


_MONEY_AND_DATE = ("booking_date", "amount", "debit", "credit")


class _Ambiguous(Exception):
    """Two columns fit a field equally well."""

    def __init__(self, field: str, columns: list[str]) -> None:
        super().__init__(field)
        self.field, self.columns = field, columns


def _columns(names: list[str], body: list[list[str]]) -> dict[str, int]:
    """Field -> column index, by name then checked (and tie-broken) by the values."""
    folded = [fold(n) for n in names]
    placed: dict[str, int] = {}
    # A name the header repeats is the first column's: the second "Původní částka a měna"
    # is the first's currency, an original-currency amount is never the booked one.
    # Names equal only once folded ("Amount (EUR)", "Amount (USD)") stay ambiguous.
    given = [n.strip() for n in names]
    taken = {i for i, n in enumerate(given) if n and n in given[:i]}
    net = _net_of_fees(folded, body)
    if net is not None:
        placed["amount"] = net
        taken.add(net)
    for field, candidates in NAMES.items():
        if field in placed:
            continue
        for wanted in candidates:
            hits = [i for i, f in enumerate(folded) if i not in taken and f == wanted]
            if not hits:
                continue
            fits = [i for i in hits if _values_fit(field, [cell_at(r, i) for r in body])]
            if len(fits) > 1 and field in _MONEY_AND_DATE:
                raise _Ambiguous(field, [names[i] for i in fits])
            if fits:
                placed[field] = fits[0]
                taken.add(fits[0])
                break
    return _settled(placed, taken, names, body)


_GROSS = ("gross", "gross amount", "amount", "brutto")


FEE = ("fee", "fees", "fee amount", "total fees", "gebuhr", "gebuhren", "frais", "poplatek",
       "teenustasu", "komisyon", "commissione", "commissioni", "comision", "prowizja",
       "jutalek", "avgift", "gebyr", "palkkio", "provisie")


NET = ("net", "net amount", "netto")


def _net_of_fees(folded: list[str], body: list[list[str]]) -> int | None:
    """The Net column of a payment platform's Gross/Fee/Net export (PayPal, Stripe): the
    money that moved on the balance. Only when every row's net is its gross less the fee
    (fees printed negative or positive, one way for the whole file); else None, and the
    amount is placed by name as usual."""
    found = [next((i for i, f in enumerate(folded) if f in names), None)
             for names in (_GROSS, FEE, NET)]
    gross, fee, net = found
    if gross is None or fee is None or net is None:
        return None
    signs = set()
    for row in body:
        g, f, n = (to_decimal(cell_at(row, i)) for i in (gross, fee, net))
        if g is None or n is None:
            return None
        f = f or Decimal(0)
        if not f and n != g:
            return None
        if f:
            signs.add(1 if n == g + f else -1 if n == g - f else 0)
    return net if len(signs) == 1 and 0 not in signs else None


def _settled(placed: dict[str, int], taken: set[int], names: list[str],
             body: list[list[str]]) -> dict[str, int]:
    """The columns placed by name, completed and made consistent: an amount column named by
    its currency alone, the value date when there is no booking date, no debit/credit
    beside an amount, no counterparty IBAN column without an IBAN in it."""
    if "amount" not in placed and not {"debit", "credit"} <= placed.keys():
        by_currency = [i for i in _currency_columns(names, body) if i not in taken]
        if len(by_currency) > 1:
            raise _Ambiguous("amount", [names[i] for i in by_currency])
        if by_currency:
            placed["amount"] = by_currency[0]
    _by_values_too(placed, taken, names, body)
    if "booking_date" not in placed and "value_date" in placed:
        placed["booking_date"] = placed.pop("value_date")
    if "amount" in placed and ({"debit", "credit"} & placed.keys()):
        for f in ("debit", "credit"):
            placed.pop(f, None)
    if "counterparty_iban" in placed and not any(
            is_iban(cell_at(r, placed["counterparty_iban"]).replace(" ", "").upper())
            for r in body):
        del placed["counterparty_iban"]
    return placed


def _by_values_too(placed: dict[str, int], taken: set[int], names: list[str],
                   body: list[list[str]]) -> None:
    """Places what names alone left out: the sign column of unsigned amounts, the booking
    date in a column named a date in words inference does not list, a status column by
    its values."""
    if "amount" in placed and "sign" not in placed:
        mark = _mark_column(names, body, placed["amount"], taken | set(placed.values()))
        if mark is not None:
            placed["sign"] = mark
    if "booking_date" not in placed and "value_date" not in placed:
        dated = _named_a_date(names, body, taken | set(placed.values()))
        if dated is not None:
            placed["booking_date"] = dated
    if "status" not in placed:
        status = _status_by_values(body, taken | set(placed.values()))
        if status is not None:
            placed["status"] = status


def _status_by_values(body: list[list[str]], taken: set[int]) -> int | None:
    """The one column, whatever its name (Sparkasse's "Info"), whose every value is a
    booked or a not-booked word, a not-booked one among them ("Umsatz vorgemerkt" beside
    "Umsatz gebucht"): pending rows must not be read as booked."""
    width = max((len(r) for r in body), default=0)
    found = []
    for i in range(width):
        if i in taken:
            continue
        values = {fold(cell_at(r, i)) for r in body} - {""}
        if values and values <= {*BOOKED, *NOT_BOOKED} and values & NOT_BOOKED:
            found.append(i)
    return found[0] if len(found) == 1 else None


_DATE_WORDS = {"date", "datum", "fecha", "data", "dato", "datetime"}


def _named_a_date(names: list[str], body: list[list[str]], taken: set[int]) -> int | None:
    """The one column of dates whose name has a date word in it ("Posted Transactions
    Date"), when no name inference knows placed the booking date; None unless just one."""
    dated = [i for i, n in enumerate(names) if i not in taken
             and set(fold(n).split()) & _DATE_WORDS
             and _values_fit("booking_date", [cell_at(r, i) for r in body])]
    return dated[0] if len(dated) == 1 else None


def _mark_column(names: list[str], body: list[list[str]], amount_at: int, taken: set[int]
                 ) -> int | None:
    """The sign of unsigned amounts: the one column, headed blank or by a name inference does
    not know (VR-Bank's " " beside "Umsatz"), whose every value is a debit or credit mark
    (S/H, D/C, DR/CR, Soll/Haben, T/J), both kinds seen; None when the amounts carry their
    own sign or no one column fits."""
    if any((to_decimal(cell_at(r, amount_at)) or 0) < 0 for r in body):
        return None
    known = {n for field in NAMES.values() for n in field}
    given = [n.strip() for n in names]
    fits = []
    for i, name in enumerate(names):
        marks = {fold(cell_at(r, i)) for r in body if cell_at(r, i)}
        if (i in taken or fold(name) in known or given.count(given[i]) > 1
                or not marks <= SIGN_WORDS):
            continue
        if marks & DEBIT_WORDS and marks & CREDIT_WORDS:
            fits.append(i)
    return fits[0] if len(fits) == 1 else None


def _values_fit(field: str, values: list[str]) -> bool:
    """Do a column's values look like the field (dates, amounts, a currency code)?"""
    filled = [v for v in values if v and fold(v) not in PENDING]
    if field in ("booking_date", "value_date"):
        return bool(filled) and bool(fitting_date_formats(filled, "day"))
    if field in ("debit", "credit"):  # one of the pair may be empty in a short export
        return not filled or number_format_of(filled)[0] is not None
    if field in ("amount", "fee", "balance"):
        return bool(filled) and number_format_of(filled)[0] is not None
    if field == "currency":
        return bool(filled) and all(re.fullmatch(r"[A-Za-z]{3}", v) for v in filled)
    return True


def _currency_columns(names: list[str], body: list[list[str]]) -> list[int]:
    """Columns named by a currency alone ("CAD$", "USD$", "EUR") that hold amounts: an
    account's amounts split by currency, of which only one may be filled."""
    found = []
    for i, name in enumerate(names):
        code = re.fullmatch(r"\s*([A-Z]{3})\s*\$?\s*", name)
        values = [cell_at(r, i) for r in body]
        if code and is_currency(code.group(1)) and any(values) and _values_fit("amount",
                                                                              values):
            found.append(i)
    return found
