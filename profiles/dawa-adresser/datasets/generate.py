#!/usr/bin/env python3
"""Writes the certification data set of the dawa-adresser profile: synthetic addresses,
access addresses, postal codes and the six municipalities they lie in, with Danish letters, floors and
doors, and current (1), preliminary (3), discontinued (nedlagt, 2) and shelved (henlagt, 4) addresses.
Column `nedlagt` is true for both 2 and 4: DAWA leaves both out unless medtagnedlagte is given
(packages/server/apiSpecification/common/sql/sqlParameterImpl.js includeDeletedAdresses).
One postal code is a stormodtager (a large recipient's own code), which /postnumre lists only
with stormodtagere=true (packages/server/apiSpecification/postnummer/parameters.js:34-40).

Reproducible: the same seed gives the same files byte for byte, so the checked-in CSV files
can be regenerated and compared (python3 datasets/generate.py && git diff --exit-code).
The vendor loads these rows into the system under test before certification.
"""
import csv
import os
import random
import uuid

SEED = 20261128
NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # RFC 4122 URL namespace

# kode, navn, (postnr, postnrnavn)..., streets, centre (longitude, latitude)
MUNICIPALITIES = [
    ("0101", "København", [("2200", "København N"), ("2300", "København S"), ("1799", "København V")],
     ["Ægirsgade", "Nørrebrogade", "Åboulevard", "Øresundsvej", "Bülowsvej", "Sønder Boulevard",
      "Blågårdsgade", "Frederiksborggade", "Amagerbrogade", "Tøndergade"], (12.56, 55.68)),
    ("0751", "Aarhus", [("8000", "Aarhus C"), ("8200", "Aarhus N"), ("8260", "Viby J")],
     ["Åboulevarden", "Søndergade", "Nørre Allé", "Frederiks Allé", "Møllevejen", "Skæring Strandvej",
      "Viby Ringvej", "Grønnegade"], (10.20, 56.15)),
    ("0461", "Odense", [("5000", "Odense C"), ("5200", "Odense V")],
     ["Østre Stationsvej", "Vestergade", "Kongensgade", "Sønderbro", "Åløkkevej", "Thrigesvej"],
     (10.39, 55.40)),
    ("0851", "Aalborg", [("9000", "Aalborg"), ("9220", "Aalborg Øst")],
     ["Boulevarden", "Bispensgade", "Østerbro", "Hasserisgade", "Tornhøjvej"], (9.92, 57.05)),
    ("0825", "Læsø", [("9940", "Læsø")], ["Vesterø Havnegade", "Byrum Hovedgade", "Østerby Havn"],
     (11.00, 57.26)),
    ("0400", "Bornholm", [("3700", "Rønne"), ("3770", "Allinge")],
     ["Store Torv", "Søndergade", "Nørregade", "Havnegade", "Åkirkebyvej"], (14.70, 55.10)),
]
# postal codes of one large recipient each, with no addresses of the data set
STORMODTAGERE = {"0101": [("0999", "København C")]}
FLOORS = ["st", "1", "2", "3", "4"]
DOORS = ["tv", "th", "mf"]


def letters_husnr(rng, number):
    return str(number) + (rng.choice(["", "", "", "", "A", "B"]))


def main():
    rng = random.Random(SEED)
    here = os.path.dirname(os.path.abspath(__file__))
    adresser, adgangsadresser, postnumre = [], [], []
    for kode, navn, postal, streets, (lon, lat) in MUNICIPALITIES:
        for nr, pnavn in postal:
            postnumre.append({"nr": nr, "navn": pnavn, "stormodtager": "false"})
        for nr, pnavn in STORMODTAGERE.get(kode, []):
            postnumre.append({"nr": nr, "navn": pnavn, "stormodtager": "true"})
        for s_index, vejnavn in enumerate(streets):
            vejkode = "%04d" % (100 + 37 * s_index + int(kode) % 97)
            nr, pnavn = postal[s_index % len(postal)]
            houses = rng.randint(12, 40)
            for h in range(houses):
                husnr = letters_husnr(rng, 1 + 2 * h + (s_index % 2))
                adgang_id = str(uuid.uuid5(NAMESPACE, "konform:dawa:adgang:%s:%s:%s" % (kode, vejkode, husnr)))
                a_status = 3 if rng.random() < 0.04 else 1
                x = round(lon + rng.uniform(-0.05, 0.05), 6)
                y = round(lat + rng.uniform(-0.03, 0.03), 6)
                adgangsadresser.append({"id": adgang_id, "status": a_status, "kommunekode": kode,
                                        "vejkode": vejkode, "vejnavn": vejnavn, "husnr": husnr,
                                        "postnr": nr, "postnrnavn": pnavn, "x": x, "y": y})
                units = [("", "")]
                if rng.random() < 0.35:  # a block of flats: floors and doors
                    units = [(f, d) for f in FLOORS[: rng.randint(2, 5)] for d in DOORS[: rng.randint(1, 3)]]
                for etage, doer in units:
                    adr_id = str(uuid.uuid5(NAMESPACE, "konform:dawa:adresse:%s:%s:%s" % (adgang_id, etage, doer)))
                    r = rng.random()
                    # Discontinued (2) and shelved (4) addresses only in Aalborg, so one
                    # municipality shows what the register must leave out by default.
                    discontinued = kode == "0851" and r < 0.06
                    shelved = discontinued and r >= 0.03
                    status = a_status if a_status == 3 else (
                        (4 if shelved else 2) if discontinued else (3 if r < 0.08 else 1))
                    adresser.append({"id": adr_id, "adgangsadresseid": adgang_id, "status": status,
                                     "kommunekode": kode, "kommunenavn": navn, "vejkode": vejkode,
                                     "vejnavn": vejnavn, "husnr": husnr, "etage": etage, "dør": doer,
                                     "postnr": nr, "postnrnavn": pnavn, "x": x, "y": y,
                                     "nedlagt": "true" if status in (2, 4) else "false"})
    kommuner = [{"kode": kode, "navn": navn} for kode, navn, _, _, _ in MUNICIPALITIES]
    adresser.sort(key=lambda a: a["id"])
    adgangsadresser.sort(key=lambda a: a["id"])
    postnumre.sort(key=lambda p: p["nr"])
    for rows in (adresser, adgangsadresser, postnumre, kommuner):
        for row in rows:  # plain cells: the files need no quoting
            assert not any("," in str(v) or '"' in str(v) for v in row.values()), row
    for name, rows in (("adresser.csv", adresser), ("adgangsadresser.csv", adgangsadresser),
                       ("postnumre.csv", postnumre), ("kommuner.csv", kommuner)):
        with open(os.path.join(here, name), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        print("%s: %d rows" % (name, len(rows)))


if __name__ == "__main__":
    main()
