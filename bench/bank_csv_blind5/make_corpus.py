"""Writes the blind5 corpus and truth.json (count/net from the transaction model)."""
import json, random
from decimal import Decimal as D
from datetime import date, timedelta
from pathlib import Path
HERE = Path(__file__).parent
R = random.Random(5150)
truth = {}

def amt(lo, hi):
    return D(R.randint(int(lo*100), int(hi*100))) / 100

def de(x, thou=".", dec=",", plus=""):
    s = f"{abs(x):,.2f}".replace(",", "\x00").replace(".", dec).replace("\x00", thou)
    return ("-" if x < 0 else plus) + s

def txns(n, start, payees_in, payees_out, big_in=(800, 9500), out=(5, 1800), pin=0.35):
    d = start; rows = []
    for i in range(n):
        d += timedelta(days=R.choice([0, 1, 1, 2]))
        if R.random() < pin:
            rows.append((d, amt(*big_in), R.choice(payees_in)))
        else:
            rows.append((d, -amt(*out), R.choice(payees_out)))
    return rows

def record(name, bank, source, booked, ccy, notes=""):
    t = {"bank": bank, "source": source, "count": len(booked),
         "net_sum": str(sum((a for a in booked), D("0.00"))), "currency": ccy}
    if notes: t["notes"] = notes
    truth[name] = t

def write(name, text, enc):
    (HERE / name).write_bytes(text.encode(enc))

# 1 comdirect (DE) -------------------------------------------------------
rows = txns(20, date(2026, 10, 31), ["Muster Handels GmbH", "Kanzlei Brandt & Partner", "Nordlicht Software AG"],
            ["REWE Markt GmbH", "Stadtwerke München", "Deutsche Telekom AG", "Amazon EU S.a.r.l.", "Allianz Versicherungs-AG"])
pend = [(date(2026, 11, 28), D("-64.90"), "Tankstelle Süd"), (date(2026, 11, 29), D("-12.50"), "Bäckerei Müller")]
bal = D("8412.37"); new = bal + sum(a for _, a, _ in rows)
L = [";", '"Umsätze Girokonto";"Zeitraum: 30 Tage";', f'"Neuer Kontostand";"{de(new)} EUR";', "",
     '"Buchungstag";"Wertstellung (Valuta)";"Vorgang";"Buchungstext";"Umsatz in EUR";']
for d, a, p in pend:
    L.append(f'"offen";"{d:%d.%m.%Y}";"Visa-Umsatz";"{p} Karte Nr. 4871 XXXX XXXX 1234";"{de(a)}";')
for i, (d, a, p) in enumerate(reversed(rows)):
    kind = "Übertrag / Überweisung" if a > 0 else R.choice(["Lastschrift / Belastung", "Übertrag / Überweisung"])
    L.append(f'"{d:%d.%m.%Y}";"{d:%d.%m.%Y}";"{kind}";"{"Auftraggeber" if a > 0 else "Empfänger"}: {p} Buchungstext: RE-{2026000+i} Ref. 3K2C{R.randint(10**9,10**10-1)}";"{de(a)}";')
L += ["", f'"Alter Kontostand";"{de(bal)} EUR";', ""]
write("de_comdirect.csv", "\r\n".join(L), "cp1252")
record("de_comdirect.csv", "comdirect (DE), Girokonto Umsätze",
       "comdirect 'Umsätze Girokonto' CSV as matched by a public bank-to-HomeBank converter profile (name: comdirect, encoding cp1252, locale de, lines ';', '\"Umsätze Giro...\";\"Zeitraum: ...\";', '\"Neuer Kontostand\";\"<amount> <ccy>\";', then ';' csv) and a public TypeScript ComdirectSchema (Buchungstag, 'Wertstellung (Valuta)', Vorgang, Buchungstext, 'Umsatz in EUR'): trailing ';' on every line, pending Visa rows with Buchungstag 'offen', 'Alter Kontostand' footer, decimal comma, '.' thousands, newest first",
       [a for _, a, _ in rows], "EUR", "2 'offen' (pending) rows excluded; Neuer/Alter Kontostand are balances")

# 2 LHV (EE) ---------------------------------------------------------------
rows = txns(18, date(2026, 10, 1), ["OÜ Põhjarannik", "AS Tallinna Vesi", "Kask ja Poeg OÜ"],
            ["Elektrum Eesti OÜ", "Telia Eesti AS", "Rimi Eesti Food AS", "Maksu- ja Tolliamet", "Bolt Operations OÜ"], big_in=(300, 6000), out=(3, 2500))
hdr = ["Kliendi konto", "Dokumendi number", "Kuupäev", "Saaja/maksja konto", "Saaja/maksja nimi", "Saaja panga kood", "Tühi",
       "Deebet/Kreedit (D/C)", "Summa", "Viitenumber", "Arhiveerimistunnus", "Selgitus", "Teenustasu", "Valuuta", "Isikukood või registrikood",
       "Saaja/maksja panga BIC", "Makse algataja nimi", "Kande viide", "Konto teenusepakkuja viide"]
L = [",".join(f'"{h}"' for h in hdr)]
for i, (d, a, p) in enumerate(rows):
    f = ["EE717700771001735865", str(100 + i) if a < 0 else "", f"{d:%Y-%m-%d}", f"EE{R.randint(10**17, 10**18-1)}", p, "", "",
         "D" if a < 0 else "C", f"{a:.2f}", str(R.randint(1000, 99999)) if R.random() < .5 else "", f"2026{R.randint(10**11, 10**12-1)}",
         f"Arve nr {R.randint(1000,9999)}, {d:%m}/2026", "0.00", "EUR", "", "LHVBEE22", "", "", ""]
    L.append(",".join(f'"{x}"' for x in f))
write("ee_lhv.csv", "\r\n".join(L) + "\r\n", "utf-8-sig")
record("ee_lhv.csv", "LHV Pank (EE)",
       "LHV internet bank account statement CSV as read by a public LHVImporter (delimiter ',', utf-8, decimal '.', Kuupäev, Summa, 'Deebet/Kreedit (D/C)' with 'D' = debit, 'Saaja/maksja nimi', Selgitus) plus memory of the full Estonian column list: every field quoted, yyyy-mm-dd, Summa signed and consistent with D/C, Valuuta column, UTF-8 with BOM",
       [a for _, a, _ in rows], "EUR")

# 3 USAA (US) --------------------------------------------------------------
rows = txns(22, date(2026, 10, 3), ["ACME SUPPLY CO ACH CREDIT", "MOBILE DEPOSIT", "ZELLE FROM J RAMIREZ", "DFAS-CLEVELAND MIL PAY"],
            ["H-E-B #592 SAN ANTONIO TX", "USAA P&C INT AUTOPAY", "CPS ENERGY BILLPAY", "SHELL OIL 5744", "AMAZON MKTPL*2K4", "SPECTRUM"], big_in=(150, 5200), out=(4, 1400))
pend = [(date(2026, 11, 30), D("-43.17"), "WHATABURGER 1123"), (date(2026, 12, 1), D("250.00"), "ZELLE FROM K NGUYEN")]
cats = {True: "Income", False: "Shopping"}
L = ["Date,Description,Original Description,Category,Amount,Status"]
for d, a, p in sorted(pend + rows, key=lambda r: r[0], reverse=True):
    st = "Pending" if (d, a, p) in pend else "Posted"
    desc = p.title().split(" #")[0]
    L.append(f'{d:%Y-%m-%d},"{desc}","{p}",{cats[a > 0]},{a:.2f},{st}')
write("us_usaa.csv", "\n".join(L) + "\n", "utf-8")
record("us_usaa.csv", "USAA (US), checking",
       "USAA online banking checking 'Export' CSV as documented by glpayson/usaa-transaction-summarizer (README: columns Date,Description,Original Description,Category,Amount,Status; Amount negative for withdrawals; Status Posted / Pending; Date YYYY-MM-DD): Date (yyyy-mm-dd), Description, Original Description, Category, Amount (signed, debits negative), Status (Posted / Pending), newest first, no currency column",
       [a for _, a, _ in rows], "USD", "2 Pending rows excluded")

# 4 Desjardins (CA) header-less ---------------------------------------------
rows = txns(20, date(2026, 10, 2), ["Dépôt direct /GOUV. QUEBEC", "Dépôt au comptoir", "Virement Interac /CLIENT TREMBLAY INC."],
            ["Paiement facture - AccèsD Internet /HYDRO-QUEBEC", "Retrait au GA", "Achat /METRO PLUS", "Paiement facture - AccèsD Internet /BELL CANADA", "Frais mensuels"], big_in=(200, 4800), out=(2, 1500))
bal = D("3120.44"); L = []
for i, (d, a, p) in enumerate(rows):
    bal += a
    w = f"{-a:.2f}" if a < 0 else ""; c = f"{a:.2f}" if a > 0 else ""
    L.append(",".join(f'"{x}"' for x in ["815", "30012", "EOP", f"{d:%Y/%m/%d}", str(i + 1), p, "", w, c, "", "", "", "", f"{bal:.2f}"]))
write("ca_desjardins.csv", "\r\n".join(L) + "\r\n", "latin-1")
record("ca_desjardins.csv", "Desjardins (CA-QC), AccèsD",
       "Desjardins AccèsD 'relevé' CSV as I recall it (public converters such as pvallee19/ConvertDesjardinsToMonarch confirm the 'Type /Fournisseur' descriptions and that the user must pick the first data line): NO header row, every field quoted, ',' separator, columns caisse, transit/folio, account type (EOP), date yyyy/mm/dd, sequence, description, cheque no, withdrawal, deposit, interest, capital, advance, reimbursement, balance; dot decimals; ISO-8859-1; no currency in the file",
       [a for _, a, _ in rows], "CAD", "withdrawal (col 8) is money out, deposit (col 9) money in; last column is the running balance")

# 5 LCL (FR) header-less, balance line ---------------------------------------
rows = txns(19, date(2026, 10, 1), ["VIR SEPA SARL LES TILLEULS", "VIR SEPA CPAM PARIS", "REMISE CHEQUE"],
            ["CB CARREFOUR CITY", "PRLV SEPA EDF", "PRLV SEPA ORANGE", "CB SNCF INTERNET", "CHQ. 8123456"], big_in=(100, 4200), out=(3, 1300))
L = []; bal = D("1530.20")
for d, a, p in rows:
    typ = "Carte" if p.startswith("CB") else "Prélèvement" if p.startswith("PRLV") else "Chèque" if "CH" in p[:4] or "CHEQUE" in p else "Virement"
    lib = f"{p} {d:%d/%m/%y}" if typ == "Carte" else p
    L.append(f"{d:%d/%m/%Y};{str(a).replace('.', ',')};{typ};;{lib};0;Divers;")
    bal += a
L.append(f"{rows[-1][0]:%d/%m/%Y};{str(bal).replace('.', ',')};;;;;;")
write("fr_lcl.csv", "\r\n".join(L) + "\r\n", "cp1252")
record("fr_lcl.csv", "LCL - Le Crédit Lyonnais (FR)",
       "LCL particuliers 'Télécharger mes opérations' CSV as I recall it: NO header, ';' separator, dd/mm/yyyy, signed amount with decimal comma and no thousands separator, type (Carte, Virement, Prélèvement, Chèque), empty column, libellé, a '0' column and a category ('Divers'), trailing ';'; the LAST line is the account balance (date;balance;;;;;;), not a transaction; Windows-1252",
       [a for _, a, _ in rows], "EUR", "last line is the balance (solde), not a transaction")

# 6 CGD (PT) ------------------------------------------------------------------
rows = txns(18, date(2026, 10, 1), ["TRF DE LUSOTECH LDA", "TRF SEPA+ CLINICA S JOAO", "DEP NUMERARIO"],
            ["COMPRA CONTINENTE", "DD EDP COMERCIAL", "PAG SERV AT IMPOSTOS", "LEVANTAMENTO ATM", "DD MEO SA", "COMISSAO MANUTENCAO"], big_in=(500, 14000), out=(2, 3200))
bal = D("12044.10"); body = []
for d, a, p in rows:
    bal += a
    body.append(f"{d:%d-%m-%Y};{d:%d-%m-%Y};{p};{de(-a) if a < 0 else ''};{de(a) if a > 0 else ''};{de(bal)};{de(bal)};{'Transferências' if a > 0 else 'Outros'};")
L = ["Consultar saldos e movimentos à ordem - 05-12-2026", "", "Conta ;0412012345600 - EUR - Conta Extracto", "Data de início ;01-10-2026",
     "Data de fim ;30-11-2026", "", "Data mov. ;Data valor ;Descrição ;Débito ;Crédito ;Saldo contabilístico ;Saldo disponível ;Categoria ;"] + body + \
    [f" ; ; ;Saldo contabilístico ;{de(bal)} EUR ;", ""]
write("pt_cgd.csv", "\r\n".join(L), "cp1252")
record("pt_cgd.csv", "Caixa Geral de Depósitos (PT)",
       "CGD Caixadirecta 'Consultar saldos e movimentos à ordem' CSV as I recall it: title + key ;value preamble (Conta, Data de início/fim), header names with a space before each ';', dd-mm-yyyy, unsigned amounts in separate Débito/Crédito columns with decimal comma and '.' thousands, two balance columns, Categoria, footer balance row; Windows-1252",
       [a for _, a, _ in rows], "EUR", "Saldo columns and the footer are balances")

# 7 Garanti BBVA (TR) ----------------------------------------------------------
rows = txns(21, date(2026, 10, 1), ["EFT GELEN - YILDIZ TEKSTİL A.Ş.", "HAVALE - AYŞE KAYA", "FAST GELEN - ÖZGÜR GIDA LTD ŞTİ"],
            ["İSKİ SU FATURASI", "TÜRK TELEKOM OTOMATİK ÖDEME", "MİGROS KARTLI ÖDEME", "SGK PRİM ÖDEMESİ", "EFT GİDEN - KİRA ÖDEMESİ", "BSMV/MASRAF"], big_in=(2500, 185000), out=(15, 42000))
bal = D("48210.55"); body = []
for i, (d, a, p) in enumerate(rows):
    bal += a
    body.append(f"{d:%d.%m.%Y};{p};{'Gelir' if a > 0 else 'Gider'};{de(a)};{de(bal)};{R.randint(10**8, 10**9-1)}")
L = ["Hesap Hareketleri", "Müşteri Adı Soyadı:;DERİN YAZILIM TİC. LTD. ŞTİ.", "IBAN:;TR32 0006 2000 1230 0006 2912 34", "Döviz Cinsi:;TL",
     "Tarih Aralığı:;01.10.2026 - 30.11.2026", "", "Tarih;Açıklama;Etiket;Tutar;Bakiye;Dekont No"] + body[::-1]
write("tr_garanti.csv", "\r\n".join(L) + "\r\n", "cp1254")
record("tr_garanti.csv", "Garanti BBVA (TR)",
       "Garanti BBVA internet şubesi 'Hesap Hareketleri' export as I recall it (not verified from a public importer): key:;value preamble (Müşteri Adı Soyadı, IBAN, Döviz Cinsi: TL, Tarih Aralığı), header Tarih;Açıklama;Etiket;Tutar;Bakiye;Dekont No, dd.mm.yyyy, signed Tutar with decimal comma and '.' thousands, running Bakiye, newest first, Windows-1254 (Turkish) text",
       [a for _, a, _ in rows], "TRY", "currency appears only as 'TL' in the preamble; Bakiye is the running balance")

# 8 Metro Bank (UK) ------------------------------------------------------------
rows = txns(17, date(2026, 10, 1), ["BACS CREDIT HARGREAVES JOINERY LTD", "FASTER PAYMENT FROM O'NEILL, P", "CASH DEPOSIT"],
            ["DIRECT DEBIT THAMES WATER", "CARD PAYMENT TESCO STORES 3312", "FASTER PAYMENT TO SMITH, J & CO", "STANDING ORDER RENT", "DIRECT DEBIT HMRC VAT"], big_in=(120, 7400), out=(3, 2600))
bal = D("2210.00"); body = []
for d, a, p in rows:
    bal += a
    ttype = "Inward Payment" if a > 0 else ("Direct Debit" if "DIRECT" in p else "Card Payment" if "CARD" in p else "Outward Payment")
    ref = p if "," not in p else f'"{p}"'
    body.append(f"{d:%d/%m/%Y},{ref},{ttype},{f'{a:.2f}' if a > 0 else ''},{f'{-a:.2f}' if a < 0 else ''},{bal:.2f}")
L = ["Date,Reference,Transaction Type,Money In,Money Out,Balance"] + body
write("uk_metro.csv", "\n".join(L) + "\n", "utf-8")
record("uk_metro.csv", "Metro Bank (UK)",
       "Metro Bank online banking transaction CSV as I recall it: Date (dd/mm/yyyy), Reference, Transaction Type, Money In, Money Out, Balance; unsigned amounts in separate columns; references holding a comma are quoted; oldest first; no currency",
       [a for _, a, _ in rows], "GBP", "Balance is the running balance")

# 9 Tatra banka (SK) -----------------------------------------------------------
rows = txns(20, date(2026, 10, 1), ["Kováč a syn, s.r.o.", "Ľubomír Šťastný", "Slovenské elektrárne, a.s. (preplatok)"],
            ["Západoslovenská distribučná, a.s.", "Orange Slovensko, a.s.", "Daňový úrad Bratislava", "TESCO STORES SR", "Sociálna poisťovňa"], big_in=(90, 9800), out=(2, 2800))
body = []
for d, a, p in rows:
    s = de(a, thou="\u00a0").replace("\u00a0", " ")
    msg = f"Faktúra {R.randint(2026001, 2026999)}"
    if R.random() < .2: msg = f'"{msg}; záloha"'
    body.append(f"{d.day}.{d.month}.{d.year};{d.day}.{d.month}.{d.year};{s};EUR;{'Prichádzajúca platba' if a > 0 else 'Odchádzajúca platba'};{p};SK{R.randint(10**21, 10**22-1)};{R.randint(1000, 99999999)};0308;;{msg}")
L = ["Dátum zaúčtovania;Dátum valuty;Suma;Mena;Typ transakcie;Protistrana;IBAN protistrany;Variabilný symbol;Konštantný symbol;Špecifický symbol;Správa pre prijímateľa"] + body[::-1]
write("sk_tatra_banka.csv", "\r\n".join(L) + "\r\n", "cp1250")
record("sk_tatra_banka.csv", "Tatra banka (SK)",
       "Tatra banka Internet banking (TB) transaction history CSV, layout as I recall it (not verified from a public importer): ';', Slovak headers (Dátum zaúčtovania, Dátum valuty, Suma, Mena, Typ transakcie, Protistrana, IBAN protistrany, Variabilný/Konštantný/Špecifický symbol, Správa pre prijímateľa), d.m.yyyy without leading zeros, signed Suma with decimal comma and a SPACE thousands separator ('1 250,00'), a quoted message containing ';', Windows-1250",
       [a for _, a, _ in rows], "EUR")

# 10 Qonto (FR) ----------------------------------------------------------------
rows = txns(20, date(2026, 10, 1), ["Atelier Roussel SAS", "Stripe Payments Europe", "Cabinet Lefèvre"],
            ["OVH SAS", "URSSAF Île-de-France", "Notion Labs", "Uber BV", "Amazon Web Services EMEA"], big_in=(300, 12000), out=(4, 3000))
fx = {"Notion Labs": ("USD", D("1.08")), "Uber BV": ("GBP", D("0.86"))}
extra = [("pending", date(2026, 11, 28), D("-89.00"), "Adobe Systems Software"), ("declined", date(2026, 11, 29), D("-1240.00"), "Apple Store")]
L = ["Status;Settlement date (UTC);Operation date (UTC);Total amount (incl. VAT);Currency;Local amount;Local currency;Counterparty name;Payment method;Initiator;Reference;Category;VAT amount;Note;Transaction ID"]
allrows = [("settled",) + r for r in rows] + extra
for i, (st, d, a, p) in enumerate(sorted(allrows, key=lambda r: r[1], reverse=True)):
    lc, rate = fx.get(p, ("EUR", D(1)))
    la = (a * rate).quantize(D("0.01"))
    pm = "card" if a < 0 and p not in ("URSSAF Île-de-France",) else "transfer"
    sd = f"{d:%d-%m-%Y} 09:{i:02d}:00" if st == "settled" else ""
    L.append(f"{st};{sd};{d:%d-%m-%Y} 08:{i:02d}:31;{str(a).replace('.', ',')};EUR;{str(la).replace('.', ',')};{lc};{p};{pm};Camille Martin;{'FAC-' + str(R.randint(100, 999)) if a > 0 else ''};{'sales' if a > 0 else 'other_expense'};;;{R.randbytes(8).hex()}")
write("qonto_eur.csv", "\n".join(L) + "\n", "utf-8")
record("qonto_eur.csv", "Qonto (FR), business account",
       "Qonto web app transaction export CSV as I recall it: ';' separator, English headers with Status (settled / pending / declined), 'Settlement date (UTC)' and 'Operation date (UTC)' as dd-mm-yyyy hh:mm:ss, signed 'Total amount (incl. VAT)' with decimal comma, Currency, plus 'Local amount'/'Local currency' for card payments abroad (USD, GBP), Counterparty name, Payment method, Initiator, Transaction ID; newest first",
       [a for _, _, a, _ in [("settled",) + r for r in rows]], "EUR",
       "pending and declined rows excluded (1 each); Local amount is the foreign-currency card amount, not the booked EUR amount")

(HERE / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(json.dumps({k: (v["count"], v["net_sum"], v["currency"]) for k, v in truth.items()}, indent=1))
