"""A generated Italian B2B list with known duplicates, for bench/dedupe_eval.py (no real firm in it).

Firms with branches in several cities (each branch its own entity: same parent name, other address),
records of one branch written several ways by different sources: a parent-company prefix or not
("Gruppo Rossi - Ferramenta Bianchi" / "Ferramenta Bianchi"), street abbreviations ("V.le", "P.zza",
"C.so"), house numbers with "/A" or "bis", phones with and without "+39" and the area prefix, the VAT id
on some rows (one per firm: branches share it), a contact person on some rows and not others.
"""

from __future__ import annotations

import random

TRADES = ["Ferramenta", "Tipografia", "Autofficina", "Panificio", "Farmacia", "Ottica", "Impianti Elettrici",
          "Studio Dentistico", "Lavanderia", "Carrozzeria", "Idraulica", "Vivaio", "Cartoleria",
          "Serramenti", "Termoidraulica", "Macelleria", "Enoteca", "Pasticceria", "Elettrauto", "Mobilificio"]
SURNAMES = ["Bianchi", "Colombo", "Ferrari", "Esposito", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
            "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri",
            "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
            "Longo", "Gentile", "Martinelli", "Vitale", "Serra", "Coppola", "De Santis", "Marchetti",
            "Parisi", "Villa", "Conte", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini"]
FIRST = ["Marco", "Giulia", "Luca", "Sara", "Andrea", "Chiara", "Paolo", "Elena", "Davide", "Francesca"]
PREFIXES = ["Gruppo", "Holding", "Consorzio"]
CITIES = [("Milano", "201", "02"), ("Roma", "001", "06"), ("Torino", "101", "011"), ("Bologna", "401", "051"),
          ("Firenze", "501", "055"), ("Napoli", "801", "081"), ("Verona", "371", "045"),
          ("Padova", "351", "049"), ("Brescia", "251", "030"), ("Bergamo", "241", "035")]
STREET_NAMES = ["Roma", "Garibaldi", "Mazzini", "Verdi", "Cavour", "Dante", "Marconi", "Matteotti",
                "Vittorio Emanuele", "XX Settembre", "Gramsci", "Kennedy", "Manzoni", "Leopardi"]
# street type -> ways sources write it
STREET_TYPES = {"Via": ["Via", "V.", "via"], "Viale": ["Viale", "V.le"],
                "Piazza": ["Piazza", "P.zza", "P.za"],
                "Corso": ["Corso", "C.so"], "Largo": ["Largo", "L.go"]}


def _vat(rnd: random.Random) -> str:
    from stdnum import luhn

    digits = "".join(str(rnd.randint(0, 9)) for _ in range(7)) + f"{rnd.randint(1, 100):03d}"
    return digits + luhn.calc_check_digit(digits)


def rows(firms: int = 150, seed: int = 12) -> list[tuple[str, dict[str, str]]]:
    """(entity, raw lead fields) for every record; the entity is one branch of one firm."""
    rnd = random.Random(seed)
    out: list[tuple[str, dict[str, str]]] = []
    for f in range(firms):
        trade, family = rnd.choice(TRADES), rnd.choice(SURNAMES)
        name = f"{trade} {family}" + (f" {rnd.choice(SURNAMES)}" if rnd.random() < 0.3 else "")
        legal = rnd.choice(["S.r.l.", "Srl", "S.p.A.", "snc", ""])
        parent = f"{rnd.choice(PREFIXES)} {rnd.choice(SURNAMES)}" if rnd.random() < 0.4 else ""
        vat = _vat(rnd)
        domain = f"{family.lower().replace(' ', '')}{f}.it" if rnd.random() < 0.5 else ""
        for b, (city, cap, area) in enumerate(rnd.sample(CITIES, rnd.choice([1, 1, 2, 3]))):
            street_type = rnd.choice(list(STREET_TYPES))
            street_name = rnd.choice(STREET_NAMES)
            number = str(rnd.randint(1, 180))
            suffix = rnd.choice(["", "", "", "/A", " bis"])
            postal = cap + f"{rnd.randint(0, 99):02d}"
            local = f"{rnd.randint(2, 9)}{rnd.randint(100000, 999999)}"
            contact = (rnd.choice(FIRST), rnd.choice(SURNAMES))
            entity = f"{f}-{b}"
            for copy in range(rnd.choice([1, 1, 2, 2, 3])):
                full_name = f"{name} {legal}".strip()
                if parent and rnd.random() < 0.5:
                    full_name = f"{parent} - {full_name}"
                written_type = rnd.choice(STREET_TYPES[street_type])
                street = f"{written_type} {street_name}, {number}{suffix if rnd.random() < 0.7 else ''}"
                phone_style = rnd.random()
                phone = (f"+39 {area} {local}" if phone_style < 0.4 else f"{area}{local}" if phone_style < 0.7
                         else f"{area}-{local}" if phone_style < 0.85 else local)
                raw = {"company_name": full_name, "street": street,
                       "postal_code": postal if rnd.random() < 0.8 else "", "city": city, "phone": phone,
                       "country": "IT"}
                if rnd.random() < 0.35:
                    raw["vat_id"] = vat
                if domain and rnd.random() < 0.5:
                    raw["website"] = "www." + domain
                if rnd.random() < 0.35:
                    raw["first_name"], raw["last_name"] = contact
                if copy and rnd.random() < 0.2:
                    raw["phone"] = ""
                out.append((entity, raw))
    rnd.shuffle(out)
    return out
