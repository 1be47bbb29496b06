"""Who pays: customers in nine countries, their IBANs, and how a bank shows their names.

Written from public material on SEPA names (70 characters, often cut to 35 or 27 by
older formats, umlauts transliterated, upper case in MT940) and national account
formats; not from dunwell's own generator.
"""

from __future__ import annotations

import unicodedata

import numpy as np

# country: language(s), currency, IBAN length (0 = no IBAN), time zones, weight
COUNTRIES: dict[str, dict] = {
    "DE": {"lang": ("de",), "ccy": "EUR", "iban": 22, "tz": ("Europe/Berlin",), "w": 0.26},
    "AT": {"lang": ("de",), "ccy": "EUR", "iban": 20, "tz": ("Europe/Vienna",), "w": 0.05},
    "CH": {"lang": ("de", "de", "fr"), "ccy": "CHF", "iban": 21, "tz": ("Europe/Zurich",),
           "w": 0.06},
    "FR": {"lang": ("fr",), "ccy": "EUR", "iban": 27, "tz": ("Europe/Paris",), "w": 0.11},
    "ES": {"lang": ("es",), "ccy": "EUR", "iban": 24, "tz": ("Europe/Madrid",), "w": 0.08},
    "NL": {"lang": ("en",), "ccy": "EUR", "iban": 18, "tz": ("Europe/Amsterdam",), "w": 0.05},
    "GB": {"lang": ("en",), "ccy": "GBP", "iban": 22, "tz": ("Europe/London",), "w": 0.12},
    "US": {"lang": ("en", "en", "es"), "ccy": "USD", "iban": 0,
           "tz": ("America/New_York", "America/Chicago", "America/Los_Angeles"), "w": 0.17},
    "ID": {"lang": ("id",), "ccy": "IDR", "iban": 0, "tz": ("Asia/Jakarta",), "w": 0.10},
}

SURNAMES = {
    "DE": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
          "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger "
          "Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler Weiß Jäger Böhm "
          "Groß Voß Kühn Fuß",
    "AT": "Gruber Huber Wagner Pichler Steiner Moser Mayer Hofer Leitner Berger Fuchs Eder "
          "Schmid Winkler Reiter Wimmer Brunner Haas Lechner Wallner Pölzl Strauß",
    "CH": "Müller Meier Schmid Keller Weber Huber Steiner Fischer Gerber Brunner Baumann Frei "
          "Zürcher Favre Rochat Dubois Moser Widmer Bühler Graf Kälin",
    "FR": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
          "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Girard Bonnet Dupont "
          "Lambert Fontaine Rousseau Chevalier François Gaillard Mercier Guérin Bézier",
    "ES": "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín "
          "Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres Domínguez "
          "Vázquez Ramos Gil Ramírez Serrano Blanco Molina Castro Ortega Núñez Peña Ibáñez",
    "NL": "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer "
          "de_Boer Mulder de_Groot Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer",
    "GB": "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
          "Evans Walker White Roberts Green Hall Wood Jackson Clarke O'Brien Hughes Edwards "
          "Turner Hill Cooper Ward Morgan",
    "US": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
          "Jackson Martin Lee Thompson Harris Clark Lewis Walker Hall Young King Rivera "
          "Nguyen Patel O'Connor McAllister",
    "ID": "Sinar Jaya Abadi Maju Bersama Sejahtera Makmur Mandiri Sentosa Indah Karya Utama "
          "Nusantara Mitra Prima Cahaya Berkah Sumber Agung Lestari Perkasa Gemilang Surya "
          "Bintang Harapan Cipta",
}
TRADES = {
    "DE": "Maschinenbau|Elektrotechnik|Logistik|Bauunternehmung|Haustechnik|Metallbau|"
          "Druckerei|Softwareentwicklung|Garten- und Landschaftsbau|Fahrzeugtechnik|"
          "Kunststofftechnik|Immobilienverwaltung|Steuerberatung|Lebensmittelgroßhandel|"
          "Sanitär- und Heizungstechnik|Gebäudereinigung",
    "AT": "Holzbau|Elektro|Transporte|Baumeister|Installationen|Tischlerei|Handels|Stahlbau",
    "CH": "Treuhand|Elektro|Transport|Holzbau|Informatik|Sanitär|Maschinenfabrik|Décolletage",
    "FR": "Transports|Bâtiment|Électricité Générale|Menuiserie|Boulangerie Industrielle|"
          "Conseil|Imprimerie|Informatique|Travaux Publics|Distribution Alimentaire|Chaudronnerie",
    "ES": "Construcciones|Instalaciones Eléctricas|Transportes|Distribuciones|Ingeniería|"
          "Asesores|Talleres|Suministros Industriales|Climatización|Servicios Informáticos",
    "NL": "Installatietechniek|Logistiek|Bouw|Techniek|Handelsonderneming|Groothandel|Transport",
    "GB": "Engineering|Logistics|Building Services|Consulting|Print Solutions|"
          "Facilities Management|Electrical Contractors|Software|Catering Supplies",
    "US": "Industrial Supply|Logistics|Manufacturing|Construction|Technologies|Consulting Group|"
          "Medical Supplies|Restaurant Group|Freight|Roofing & Siding",
    "ID": "Teknik|Logistik|Konstruksi|Distribusi|Elektrik|Niaga|Solusi Digital|Makanan",
}
CITIES = {
    "DE": "Hamburg|München|Köln|Frankfurt|Stuttgart|Düsseldorf|Leipzig|Nürnberg|Bremen|"
          "Hannover|Mönchengladbach|Würzburg|Lüneburg|Görlitz",
    "AT": "Wien|Graz|Linz|Salzburg|Innsbruck|Klagenfurt|Wels|St. Pölten",
    "CH": "Zürich|Genève|Basel|Bern|Lausanne|Winterthur|Luzern|St. Gallen",
    "FR": "Paris|Lyon|Marseille|Toulouse|Nantes|Bordeaux|Lille|Strasbourg|Saint-Étienne|Orléans",
    "ES": "Madrid|Barcelona|Valencia|Sevilla|Zaragoza|Málaga|Bilbao|Córdoba|A Coruña|León",
    "NL": "Amsterdam|Rotterdam|Utrecht|Eindhoven|Groningen|Tilburg|'s-Hertogenbosch",
    "GB": "London|Manchester|Birmingham|Leeds|Glasgow|Bristol|Sheffield|Edinburgh|Cardiff",
    "US": "Houston|Chicago|Phoenix|Denver|Atlanta|Seattle|Boston|Dallas|Columbus|Portland",
    "ID": "Jakarta|Surabaya|Bandung|Medan|Semarang|Makassar|Denpasar",
}
FORMS = {
    "DE": ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "UG (haftungsbeschränkt)"],
    "AT": ["GmbH", "AG", "OG", "KG", "GesmbH"],
    "CH": ["AG", "GmbH", "SA", "Sàrl"],
    "FR": ["SARL", "SAS", "SA", "EURL", "SASU"],
    "ES": ["S.L.", "S.A.", "S.L.U.", "S.Coop."],
    "NL": ["B.V.", "N.V.", "V.O.F."],
    "GB": ["Ltd", "Limited", "PLC", "LLP"],
    "US": ["Inc.", "LLC", "Corp.", "Co.", "L.P."],
    "ID": ["PT", "CV", "PT"],
}
HOLDING = {"DE": "Holding", "AT": "Holding", "CH": "Holding", "FR": "Groupe", "ES": "Grupo",
           "NL": "Holding", "GB": "Group", "US": "Holdings", "ID": "Grup"}
FACTORS = ["Hanseatische Factoring Bank GmbH", "Alpenländische Forderungsmanagement AG",
           "Factorem Finance SAS", "Iberfactor Financiación S.A.", "Northgate Invoice Finance Ltd",
           "Lakeshore Receivables Funding LLC", "PT Anjak Piutang Nusantara"]
# by region: DE, AT/CH, FR, ES, GB/NL, US, ID
PAYROLL = ["Lohnbüro Hansen & Partner GmbH", "Lohnverrechnung Alpen GmbH",
           "PaieExpert Services SAS", "Nóminas y Gestión Laboral S.L.",
           "Crescent Payroll Bureau Ltd", "Summit Payroll & HR Services LLC",
           "PT Gaji Mitra Solusi"]
MAILBOX = {"de": "buchhaltung", "fr": "comptabilite", "es": "contabilidad", "en": "accounts",
           "id": "keuangan"}
TLD = {"DE": "de", "AT": "at", "CH": "ch", "FR": "fr", "ES": "es", "NL": "nl", "GB": "co.uk",
       "US": "com", "ID": "co.id"}
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                           "ß": "ss", "ø": "o", "æ": "ae"})


def translit(text: str) -> str:
    """Banks' SEPA character set: umlauts spelt out, other accents dropped."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(country: str, table: dict[str, str], sep: str) -> list[str]:
    return [w.replace("_", " ") for w in table[country].split(sep)]


WORDS = {c: (_words(c, SURNAMES, " "), _words(c, TRADES, "|"), _words(c, CITIES, "|"),
             FORMS[c]) for c in COUNTRIES}


def company_name(rng: np.random.Generator, country: str) -> tuple[str, str, str]:
    """A plausible company name, its family word and its trade, for one country."""
    sur = WORDS[country][0]
    s, t, c, f = (str(rng.choice(x)) for x in WORDS[country])
    pattern = rng.integers(4)
    if country == "ID":
        s2 = str(rng.choice(sur))
        return (f"{f} {s} {s2} {t}" if pattern < 2 else f"{f} {s} {t} {c}"), s, t
    if country in ("FR", "ES"):
        name = f"{t} {s} {f}" if pattern < 2 else f"{t} {s} {c} {f}"
    elif pattern == 0:
        name = f"{s} & {rng.choice(sur)} {t} {f}"
    else:
        name = f"{s} {t} {c} {f}" if pattern == 1 else f"{s} {t} {f}"
    return name, s, t


def iban(rng: np.random.Generator, country: str) -> str:
    """A random IBAN with correct ISO 13616 check digits for `country`."""
    length = COUNTRIES[country]["iban"]
    bban = "".join(map(str, rng.integers(0, 10, length - 4).tolist()))
    if country in ("GB", "NL"):
        bban = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 4)) + bban[4:]
    return country + iban_check(country, bban) + bban


def iban_check(country: str, bban: str) -> str:
    """The two IBAN check digits (mod 97-10, as ISO 7064 and ISO 11649 use it)."""
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


def iban_typo(rng: np.random.Generator, value: str) -> str:
    """One digit of the account part mistyped: the checksum no longer holds."""
    pos = [i for i in range(4, len(value)) if value[i].isdigit()]
    i = int(rng.choice(pos))
    new = str((int(value[i]) + int(rng.integers(1, 10))) % 10)
    return value[:i] + new + value[i + 1:]


def domestic_account(rng: np.random.Generator, country: str, value: str) -> str:
    """How a domestic payment shows the payer's account instead of an IBAN."""
    if country == "GB" and value:
        return f"{value[8:10]}-{value[10:12]}-{value[12:14]} {value[14:]}"
    if country == "US":
        routing = "".join(str(d) for d in rng.integers(0, 10, 9))
        return f"{routing} {int(rng.integers(10**7, 10**10))}"
    if country == "ID":
        return str(int(rng.integers(10**9, 10**10)))
    if value:
        return value[-10:].lstrip("0") or value[-10:]
    return str(int(rng.integers(10**6, 10**9)))


ABBREV = {"Gesellschaft": "Ges.", "und": "u.", "Maschinenbau": "Maschinenb.",
          "Construcciones": "Const.", "Engineering": "Eng.", "Technologies": "Tech.",
          "Instalaciones": "Inst.", "Distribution": "Distrib.", "Services": "Svcs",
          "Manufacturing": "Mfg", "Transports": "Transp.", "International": "Intl"}


def name_variant(rng: np.random.Generator, name: str, form: str) -> tuple[str, str]:
    """How a bank statement may show `name`, and the tag of the change."""
    roll = rng.random()
    if roll < 0.35:
        return translit(name).upper(), "name_upper"
    if roll < 0.55 and len(name) > 27:
        cut = 35 if len(name) > 35 else 27
        return name[:cut].rstrip(), "name_truncated"
    if roll < 0.8 and form and name.endswith(form):
        return name[: -len(form)].rstrip(" ,"), "name_no_legal_form"
    words = [ABBREV.get(w, w) for w in name.split()]
    if words != name.split():
        return " ".join(words), "name_abbreviated"
    return translit(name), "name_translit"
