"""Word pools for realistic customer names, per country, and how banks mangle them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

COUNTRIES = ["DE", "FR", "NL", "ES", "ID", "US", "GB", "CH"]
COUNTRY_WEIGHTS = [0.30, 0.16, 0.10, 0.10, 0.06, 0.10, 0.10, 0.08]
LANGUAGE = {"DE": "de", "FR": "fr", "NL": "en", "ES": "es", "ID": "id", "US": "en", "GB": "en",
            "CH": "de"}
TIMEZONE = {"DE": "Europe/Berlin", "FR": "Europe/Paris", "NL": "Europe/Amsterdam",
            "ES": "Europe/Madrid", "ID": "Asia/Jakarta", "US": "America/New_York",
            "GB": "Europe/London", "CH": "Europe/Zurich"}
TLD = {"DE": "de", "FR": "fr", "NL": "nl", "ES": "es", "ID": "co.id", "US": "com", "GB": "co.uk",
       "CH": "ch"}

_DE = (["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner"],
       ["Maschinenbau", "Logistik", "Elektrotechnik", "Bauunternehmung", "Holzhandel",
        "Metallverarbeitung", "Feinmechanik", "Industrietechnik", "Gebäudeservice",
        "Kunststofftechnik", "Anlagenbau", "Medizintechnik", "Spedition", "Druckerei",
        "Energietechnik"],
       ["", "Nord", "Süd", "West", "Ost", "Rhein-Main", "Bayern", "Sachsen", "Hamburg", "Berlin",
        "International", "Service"])
_FR = (["Dupont", "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
        "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier"],
       ["Logistique", "Distribution", "Bâtiment", "Industrie", "Transports", "Emballages",
        "Informatique", "Équipements", "Matériaux", "Conseil", "Services", "Mécanique",
        "Alimentaire", "Électricité", "Menuiserie"],
       ["", "Nord", "Sud", "Ouest", "Est", "Atlantique", "Provence", "Alsace", "Bretagne",
        "Lyon", "Paris", "International"])
_NL = (["Van Dijk", "De Jong", "Jansen", "De Vries", "Van den Berg", "Bakker", "Visser", "Smit",
        "Meijer", "De Boer", "Mulder", "De Groot", "Bos", "Vos", "Peters", "Hendriks",
        "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf",
        "Van der Meer", "Kok"],
       ["Techniek", "Transport", "Bouw", "Installatie", "Handel", "Logistiek", "Metaal",
        "Verpakkingen", "Automatisering", "Groothandel", "Machinebouw", "Elektro", "Projecten",
        "Infra", "Software"],
       ["", "Noord", "Zuid", "Oost", "West", "Holland", "Brabant", "Utrecht", "Rotterdam",
        "Amsterdam", "Groep", "International"])
_ES = (["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
        "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Muñoz",
        "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos"],
       ["Construcciones", "Distribuciones", "Logística", "Ingeniería", "Suministros",
        "Transportes", "Instalaciones", "Comercial", "Industrias", "Servicios", "Maquinaria",
        "Alimentación", "Electricidad", "Metalúrgica", "Embalajes"],
       ["", "Norte", "Sur", "Levante", "Andalucía", "Madrid", "Cataluña", "Galicia", "Ibérica",
        "Canarias", "Global", "Hispania"])
_ID = (["Sinar", "Mitra", "Karya", "Bumi", "Cahaya", "Maju", "Sentosa", "Abadi", "Jaya",
        "Mandiri", "Sejahtera", "Nusantara", "Prima", "Indah", "Lestari", "Makmur", "Utama",
        "Perkasa", "Gemilang", "Harapan", "Berkah", "Mulia", "Surya", "Duta", "Sumber"],
       ["Logistik", "Teknik", "Niaga", "Konstruksi", "Elektrindo", "Distribusi", "Industri",
        "Perdana", "Solusi", "Pangan", "Energi", "Kimia", "Tekstil", "Plastik", "Baja"],
       ["", "Jaya", "Abadi", "Sentosa", "Makmur", "Indonesia", "Nusantara", "Mandiri", "Utama",
        "Persada", "Sakti", "Lestari"])
_EN = (["Summit", "Harrington", "Blackwood", "Redfield", "Ashford", "Whitmore", "Kingsley",
        "Crestview", "Oakridge", "Bridgewater", "Fairfax", "Lancaster", "Sterling", "Westbrook",
        "Hamilton", "Pinnacle", "Riverside", "Northgate", "Carter", "Bennett", "Thornton",
        "Maxwell", "Brookfield", "Highland", "Granite"],
       ["Analytics", "Supplies", "Logistics", "Engineering", "Manufacturing", "Distribution",
        "Holdings", "Industries", "Systems", "Solutions", "Foods", "Components", "Packaging",
        "Construction", "Trading"],
       ["", "North", "South", "East", "West", "Atlantic", "Pacific", "Midlands", "Central",
        "Group", "International", "Partners"])
POOLS = {"DE": _DE, "CH": _DE, "FR": _FR, "NL": _NL, "ES": _ES, "ID": _ID, "US": _EN, "GB": _EN}
SUFFIXES = {"DE": ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K."], "CH": ["AG", "GmbH", "SA"],
            "FR": ["SARL", "SAS", "SA", "EURL"], "NL": ["B.V.", "N.V.", "V.O.F."],
            "ES": ["S.L.", "S.A.", "S.L.U."], "ID": ["Tbk", ""], "US": ["Inc.", "LLC", "Corp."],
            "GB": ["Ltd", "Limited", "PLC", "LLP"]}

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                           "ß": "ss", "é": "e", "è": "e", "ê": "e", "â": "a", "á": "a", "í": "i",
                           "ó": "o", "ú": "u", "ñ": "n", "É": "E", "Á": "A", "ç": "c"})


def company_names(rng: np.random.Generator, countries: np.ndarray,
                  taken: set[str] | None = None) -> np.ndarray:
    """Company names with a legal suffix, distinct even without it.

    Two customers of one ledger are rarely told apart by their legal form alone
    ('Müller Logistik GmbH' and 'Müller Logistik AG'), so the name before the suffix
    is unique, also against `taken` (names already given, without suffix). A quarter
    of the names join two family names, as partnerships do; that keeps a million
    invoices' customers inside the pools.
    """
    names = np.empty(len(countries), dtype=object)
    taken = set() if taken is None else set(taken)
    for i, country in enumerate(countries):
        stems, trades, regions = POOLS[country]
        for attempt in range(50):
            stem = stems[rng.integers(len(stems))]
            if rng.random() < 0.25:
                other = stems[rng.integers(len(stems))]
                if other != stem:
                    stem = f"{stem} {other}" if country == "ID" else f"{stem} & {other}"
            parts = [stem, trades[rng.integers(len(trades))], regions[rng.integers(len(regions))]]
            base = " ".join(p for p in parts if p)
            if attempt >= 20:
                base += f" {attempt}"
            if base not in taken:
                break
        taken.add(base)
        names[i] = _with_suffix(base, country, rng)
    return names


def _with_suffix(name: str, country: str, rng: np.random.Generator) -> str:
    suffix = SUFFIXES[country][rng.integers(len(SUFFIXES[country]))]
    if country == "ID":
        return f"PT {name} {suffix}".strip()
    return f"{name} {suffix}"


def slug(names: pd.Series) -> pd.Series:
    """A domain-like slug of a company name: ascii, lower case, two first words."""
    words = names.str.replace(r"^PT ", "", regex=True).str.split().str[:2].str.join("-")
    plain = words.map(lambda s: s.translate(_TRANSLIT)).str.lower().str.replace(
        r"[^a-z0-9-]", "", regex=True)
    # "Pérez & Co" must not leave "perez-": a label never starts or ends with a hyphen
    return plain.str.replace(r"-{2,}", "-", regex=True).str.strip("-")


def bank_spelling(names: pd.Series) -> pd.Series:
    """The SEPA character set banks use: umlauts and accents transliterated."""
    return per_name(names, lambda s: s.translate(_TRANSLIT))


def per_name(names: pd.Series, change: Callable[[str], str]) -> pd.Series:
    """Apply a text change once per distinct name, then spread it to every row."""
    distinct = pd.unique(names)
    return names.map(dict(zip(distinct, map(change, distinct), strict=True))).astype("str")


def upper_case(names: pd.Series) -> pd.Series:
    """Payer name as many banks print it: transliterated and upper case."""
    return bank_spelling(names).str.upper()


def abbreviated(names: pd.Series) -> pd.Series:
    """Second word cut to four letters and a dot: 'Harrington Supp. Ltd'."""
    return per_name(names, _abbreviate)


def _abbreviate(name: str) -> str:
    p = name.split(" ")
    if len(p) > 2 and len(p[1]) > 5:
        p[1] = p[1][:4] + "."
    return " ".join(p)


def suffix_dropped(names: pd.Series) -> pd.Series:
    """The legal form left out: 'Müller Logistik' for 'Müller Logistik GmbH'."""
    pattern = r"\s+(GmbH & Co\. KG|GmbH|AG|KG|e\.K\.|SA|SARL|SAS|EURL|B\.V\.|N\.V\.|V\.O\.F\.|" \
              r"S\.L\.U\.|S\.L\.|S\.A\.|Tbk|Inc\.|LLC|Corp\.|Ltd|Limited|PLC|LLP)$"
    return names.str.replace(pattern, "", regex=True).str.replace(r"^PT ", "", regex=True)


def truncated(names: pd.Series) -> pd.Series:
    """Cut short as a narrow bank field does: at 35 characters, or a few letters early."""
    return per_name(bank_spelling(names), lambda s: s[: min(35, max(27, len(s) - 4))])
