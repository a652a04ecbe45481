#!/usr/bin/env python3
"""Writes the certification data set of the datafordeler-dar profile: the dawa-adresser
profile's synthetic addresses in DAR's shape (DAR_Husnummer, DAR_Adresse, DAR_NavngivenVej,
DAR_Postnummer), with DAR's life-cycle codes (danmarksadresser.dk kodelister/livscyklus:
2 foreløbig, 3 gældende, 4 nedlagt, 5 henlagt) and bitemporal fields (virkningFra/-Til,
registreringFra/-Til). Three objects have a history, so a bitemporal query has something
to find: a road renamed (a past state in virkningstid), a house number that becomes
gældende in 2030 (a future state), and a postal code registered with a wrong name and
corrected a year later (a past state in registreringstid). Each row says whether it is the
current state (`aktuel`), so test cases select the rows a query at "now" must answer.

Reproducible: the same input gives the same files byte for byte
(python3 datasets/generate.py && konform fmt datasets && git diff --exit-code).
"""
import csv
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DAWA = os.path.join(HERE, "..", "..", "dawa-adresser", "datasets")
NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
STATUS = {"1": "3", "2": "4", "3": "2", "4": "5"}  # DAWA status -> DAR livscyklus
BEGIN = "2000-01-01T00:00:00.000000Z"


def uid(*parts):
    return str(uuid.uuid5(NS, "dar:" + ":".join(parts)))


def temporal(virk_fra=BEGIN, virk_til=None, reg_fra=BEGIN, reg_til=None, aktuel=True):
    return {"virkningFra": virk_fra, "virkningTil": virk_til,
            "registreringFra": reg_fra, "registreringTil": reg_til, "aktuel": aktuel}


def read(name):
    with open(os.path.join(DAWA, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    adgang = read("adgangsadresser.csv")
    adresser = read("adresser.csv")
    postnumre = read("postnumre.csv")
    kommune_of = {}
    for a in adresser:
        kommune_of[a["adgangsadresseid"]] = a["kommunekode"]
    for a in adgang:
        kommune_of.setdefault(a["id"], a["kommunekode"])

    post_rows = []
    for p in postnumre:
        row = {"id_lokalId": uid("postnummer", p["nr"]), "postnr": p["nr"], "navn": p["navn"],
               "status": "3"}
        if p["navn"] == "Læsø":  # registered wrongly in 2015, corrected in 2016
            post_rows.append({**row, "navn": "Læsø By",
                              **temporal(reg_fra="2015-01-01T00:00:00.000000Z",
                                         reg_til="2016-01-01T00:00:00.000000Z", aktuel=False)})
            row.update(temporal(reg_fra="2016-01-01T00:00:00.000000Z"))
        else:
            row.update(temporal())
        post_rows.append(row)

    veje = {}
    for a in adgang:
        key = (a["kommunekode"], a["vejkode"])
        veje.setdefault(key, a["vejnavn"])
    vej_rows = []
    for (kommune, vejkode), navn in sorted(veje.items()):
        row = {"id_lokalId": uid("vej", kommune, vejkode), "vejnavn": navn,
               "vejadresseringsnavn": navn[:20], "status": "3", "kommunekode": kommune}
        if navn == "Frederiksborggade":  # renamed in 2015: a past state in virkningstid
            vej_rows.append({**row, "vejnavn": "Frederiksborg Gade", "vejadresseringsnavn": "Frederiksborg Gade",
                             **temporal(virk_til="2015-06-01T00:00:00.000000Z", aktuel=False)})
            row.update(temporal(virk_fra="2015-06-01T00:00:00.000000Z"))
        else:
            row.update(temporal())
        vej_rows.append(row)

    hus_rows = []
    future_done = False
    for a in sorted(adgang, key=lambda r: r["id"]):
        status = STATUS[a["status"]]
        row = {"id_lokalId": a["id"],
               "adgangsadressebetegnelse": f'{a["vejnavn"]} {a["husnr"]}, {a["postnr"]} {a["postnrnavn"]}',
               "husnummertekst": a["husnr"], "status": status,
               "vejmidte": f'{a["kommunekode"]}-{a["vejkode"]}',
               "navngivenVej": uid("vej", a["kommunekode"], a["vejkode"]),
               "postnummer": uid("postnummer", a["postnr"]),
               "adgangspunkt": uid("adgangspunkt", a["id"]), "kommunekode": a["kommunekode"]}
        if status == "2" and not future_done:  # foreløbig now, gældende from 2030
            future_done = True
            hus_rows.append({**row, "status": "3",
                             **temporal(virk_fra="2030-01-01T00:00:00.000000Z", aktuel=False)})
            row.update(temporal(virk_til="2030-01-01T00:00:00.000000Z"))
        else:
            row.update(temporal())
        hus_rows.append(row)

    adr_rows = []
    for a in sorted(adresser, key=lambda r: r["id"]):
        etage, doer = a["etage"] or None, a["dør"] or None
        unit = ", ".join(x for x in [(etage + "." if etage and etage.isdigit() else etage), doer] if x)
        betegnelse = f'{a["vejnavn"]} {a["husnr"]}, {unit + ", " if unit else ""}{a["postnr"]} {a["postnrnavn"]}'
        adr_rows.append({"id_lokalId": a["id"], "husnummer": a["adgangsadresseid"],
                         "etagebetegnelse": etage, "doerbetegnelse": doer,
                         "adressebetegnelse": betegnelse, "status": STATUS[a["status"]],
                         "kommunekode": a["kommunekode"], **temporal()})

    for name, rows in [("postnumre", post_rows), ("navngivneveje", vej_rows),
                       ("husnumre", hus_rows), ("adresser", adr_rows)]:
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
            f.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n")


if __name__ == "__main__":
    main()
