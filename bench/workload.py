#!/usr/bin/env python3
"""workload.py - the benchmark's workload: N filled application forms.

Usage: workload.py -n N [-s SEED] -o DIR [--resave K] [--soffice PATH]

Writes N filled forms (DOCX and ODT) across all eight offers of the spec
(offers.md) into DIR/forms/, in the proportions a real round
would have: mostly valid, some incomplete (required fields left empty), some
not eligible (one eligibility criterion fails), a few broken files (empty,
truncated, legacy .doc, PDF, random bytes, a zip without a document part).
About one form in fifty is large: a 5,000-character motivation and a
100-row participant table.  DIR/manifest.tsv lists every file with its offer,
format, class, size and writer, so the harness can pick samples and count;
DIR/values.jsonl holds, for every readable form, the normalised value a
correct extractor reports for each filled field, so the benchmark can say
how many fields were read right, not only how fast.

Writers: about half the forms are written by the project's own form writer
(build/bin/mkform --fill, when built; a few of them with --plain, as if
retyped without controls), the rest by the writer in this file, which
encodes the same fields differently (ODT form controls where mkform writes
content controls, Word-style split runs in DOCX).

Deterministic: the same N and SEED give the same bytes (zip entries carry a
fixed date, entries are written in a fixed order), which tests/t8000 checks.
The one exception is --resave K: K of the valid forms are replaced by the
same form opened and saved again by LibreOffice headless (with a private
profile), so the benchmark does not run only on our own writer's output.
LibreOffice stamps its own dates, so those K files are not byte-stable; the
manifest marks them "resaved".

Field names, choice values and offer ids are the public contract of the
spec; they are written here as data because the generator must not depend on
the offer definitions being complete.  Labels are taken from
forms/*/offer.xml when an offer defines the field, else made from the name.

Exit codes: 0 done, 64 usage, 70 internal error (LibreOffice failed).
"""

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

ZIP_DATE = (2021, 8, 2, 10, 0, 0)

# --- Danish data -----------------------------------------------------------

# (name as the applicant may type it, postnr, by).  A few spellings that the
# kommune normaliser must map ("Århus", "Københavns Kommune").
KOMMUNER = [
    ("Aarhus", "8000", "Aarhus C"), ("Århus", "8200", "Aarhus N"),
    ("København", "1550", "København V"), ("Københavns Kommune", "2300", "København S"),
    ("Odense", "5000", "Odense C"), ("Aalborg", "9000", "Aalborg"),
    ("Esbjerg", "6700", "Esbjerg"), ("Randers", "8900", "Randers C"),
    ("Kolding", "6000", "Kolding"), ("Horsens", "8700", "Horsens"),
    ("Vejle", "7100", "Vejle"), ("Roskilde", "4000", "Roskilde"),
    ("Herning", "7400", "Herning"), ("Silkeborg", "8600", "Silkeborg"),
    ("Næstved", "4700", "Næstved"), ("Frederiksberg", "2000", "Frederiksberg"),
    ("Viborg", "8800", "Viborg"), ("Køge", "4600", "Køge"),
    ("Holstebro", "7500", "Holstebro"), ("Slagelse", "4200", "Slagelse"),
    ("Hjørring", "9800", "Hjørring"), ("Guldborgsund", "4800", "Nykøbing F"),
    ("Sønderborg", "6400", "Sønderborg"), ("Svendborg", "5700", "Svendborg"),
    ("Bornholm", "3700", "Rønne"), ("Ærø", "5970", "Ærøskøbing"),
    ("Lolland", "4930", "Maribo"), ("Ringkøbing-Skjern", "6950", "Ringkøbing"),
    ("Høje-Taastrup", "2630", "Taastrup"), ("Thisted", "7700", "Thisted"),
]
FORNAVNE = ["Anne", "Mette", "Søren", "Lars", "Kirsten", "Jens", "Hanne", "Mads",
            "Sofie", "Ida", "Rasmus", "Birgitte", "Jørgen", "Pia", "Ærling",
            "Louise", "Niels", "Camilla", "Åse", "Thomas"]
EFTERNAVNE = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen",
              "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Møller", "Kjær",
              "Østergaard", "Bæk", "Holm", "Laursen"]
STILLINGER = ["Afdelingsleder", "Socialrådgiver", "Familieplejekonsulent",
              "Pædagog", "Forstander", "Fagkoordinator", "Sektionsleder"]
FORVALTNINGER = ["Børn og Familie", "Socialforvaltningen", "Familieafdelingen",
                 "Børne- og Ungeforvaltningen", "Myndighedsafdelingen"]
STED_PREFIX = ["Opholdsstedet", "Døgninstitutionen", "Botilbuddet", "Ungehjemmet"]
STED_NAVNE = ["Solsikken", "Egebo", "Kastanjehuset", "Fjordly", "Møllegården",
              "Skovbrynet", "Lærkereden", "Åbrinken", "Kildevang", "Toftegården"]
VEJE = ["Hovedgaden", "Skolevej", "Kirkevej", "Møllevej", "Strandvejen", "Østergade"]
SAETNINGER = [
    "Vi oplever en stigning i antallet af underretninger om vold mod børn.",
    "Medarbejderne efterspørger viden om, hvordan de taler med børn om overgreb.",
    "Kommunen har brug for at styrke samarbejdet mellem skole, sundhedspleje og myndighed.",
    "Vores beredskab blev sidst revideret for flere år siden og skal opdateres.",
    "Ledelsen har besluttet at afsætte tid til, at hele personalegruppen deltager.",
    "Vi ønsker at arbejde systematisk med forebyggelse af magtanvendelse i hverdagen.",
    "Børnene i vores målgruppe har ofte svært ved at sætte ord på deres oplevelser.",
    "Forløbet skal understøtte en fælles faglig tilgang på tværs af afdelingerne.",
    "Vi har gode erfaringer med sparring og ønsker at bygge videre på dem.",
    "Det er afgørende for os, at indsatsen forankres i praksis – også efter forløbet.",
]


def kommune_pick(rng):
    return rng.choice(KOMMUNER)


def navn(rng):
    return rng.choice(FORNAVNE) + " " + rng.choice(EFTERNAVNE)


def email_for(rng, name, domain):
    local = re.sub(r"[^a-z]", "", name.lower().split()[0]
                   .replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    return "%s%d@%s.dk" % (local or "kontakt", rng.randrange(10, 99), domain)


def telefon(rng):
    d = "%08d" % rng.randrange(20000000, 99999999)
    style = rng.randrange(3)
    if style == 0:
        return d
    if style == 1:
        return "+45 %s %s %s %s" % (d[0:2], d[2:4], d[4:6], d[6:8])
    return "%s %s" % (d[0:4], d[4:8])


def cvr(rng):
    """An 8-digit CVR number that passes the modulus-11 check."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(6)]
        s = sum(d * w for d, w in zip(digits, weights))
        check = (-s) % 11
        if check < 10:
            digits.append(check)
            text = "".join(map(str, digits))
            return text if rng.random() < 0.7 else text[:2] + " " + text[2:4] + " " + text[4:6] + " " + text[6:]


def tekst(rng, chars):
    """Danish paragraphs of about CHARS characters, as a list of paragraphs."""
    paras, para, total = [], [], 0
    while total < chars:
        s = rng.choice(SAETNINGER)
        para.append(s)
        total += len(s) + 1
        if len(para) >= rng.randrange(3, 6):
            paras.append(" ".join(para))
            para = []
    if para:
        paras.append(" ".join(para))
    return paras


DANISH_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli",
                 "august", "september", "oktober", "november", "december"]


def date_text(rng, y, m, d):
    """A date as an applicant types it: one of the spec's accepted forms."""
    style = rng.randrange(5)
    if style == 0:
        return "%04d-%02d-%02d" % (y, m, d)
    if style == 1:
        return "%02d-%02d-%04d" % (d, m, y)
    if style == 2:
        return "%02d.%02d.%04d" % (d, m, y)
    if style == 3:
        return "%d/%d-%04d" % (d, m, y)
    return "%d. %s %04d" % (d, DANISH_MONTHS[m - 1], y)


# --- the offers (offers.md; names are a public contract) -------------------

# A field: (name, type, required, choices).  The value class carried in a
# form is a dict name -> value where value is str, int, bool, ("date", y, m, d)
# or ("para", [paragraphs]).

KOMMUNE_BLOCK = [
    ("kommune", "kommune", True, None), ("forvaltning", "text", True, None),
    ("kontakt_navn", "text", True, None), ("kontakt_stilling", "text", False, None),
    ("kontakt_email", "email", True, None), ("kontakt_telefon", "phone", True, None),
    ("chef_navn", "text", True, None), ("ansoegning_dato", "date", False, None),
]
STED_TYPES = ["døgninstitution", "opholdssted", "plejefamilie"]
STED_BLOCK = [
    ("sted_navn", "text", True, None), ("sted_type", "choice", True, STED_TYPES),
    ("cvr", "cvr", True, None), ("adresse", "text", False, None),
    ("postnr", "postnr", False, None), ("by", "text", False, None),
    ("kommune", "kommune", True, None), ("antal_pladser", "integer", False, None),
    ("alder_fra", "integer", False, None), ("alder_til", "integer", False, None),
    ("leder_navn", "text", True, None), ("kontakt_navn", "text", True, None),
    ("kontakt_email", "email", True, None), ("kontakt_telefon", "phone", True, None),
]

OFFERS = {
    "temadag-plejefamilie": {
        "title": "Temadag for plejefamilier og familieplejekonsulenter",
        "block": KOMMUNE_BLOCK, "weight": 14,
        "fields": [
            ("antal_plejefamilier", "integer", True, None),
            ("antal_konsulenter", "integer", True, None),
            ("emne_forebyggelse", "checkbox", False, None),
            ("emne_opsporing", "checkbox", False, None),
            ("emne_haandtering", "checkbox", False, None),
            ("oensket_periode", "text", False, None),
            ("lokale_stilles", "checkbox", False, None),
        ],
    },
    "opkvalificering-anbringelsessted": {
        "title": "Opkvalificeringsforløb for døgninstitutioner og opholdssteder",
        "block": STED_BLOCK, "weight": 12,
        "fields": [
            ("antal_medarbejdere", "integer", True, None),
            ("deltager_begge_temadage", "checkbox", False, None),
            ("oensker_politikstoette", "checkbox", False, None),
            ("ledelsesopbakning", "checkbox", False, None),
            ("motivation", "longtext", False, None),
        ],
    },
    "spillerum-2019": {
        "title": "Kursus i Spillerum på anbringelsessteder",
        "block": STED_BLOCK, "weight": 10,
        "fields": [
            ("kursustype", "choice", True, ["fælleskursus", "arbejdspladskursus"]),
            ("antal_deltagere", "integer", True, None),
            ("ledelsesopbakning", "checkbox", False, None),
            ("personaleressourcer_afsat", "checkbox", False, None),
            ("afproevning_mellem_kursusdage", "checkbox", False, None),
            ("boern_har_sprog", "checkbox", False, None),
            ("maalgruppe", "choice", False, ["socialt udsatte", "handicap", "begge"]),
        ],
    },
    "raadgivningsforloeb": {
        "title": "Rådgivningsforløb for kommuner",
        "block": KOMMUNE_BLOCK, "weight": 12,
        "fields": [
            ("besluttet_chefniveau", "checkbox", False, None),
            ("personaleressourcer_afsat", "checkbox", False, None),
            ("elem_beredskab", "checkbox", False, None),
            ("elem_boernesamtaler", "checkbox", False, None),
            ("elem_tvaerfagligt", "checkbox", False, None),
            ("elem_spillerum", "checkbox", False, None),
            ("udviklingsbehov", "longtext", True, None),
            ("tidligere_bistand", "checkbox", False, None),
        ],
    },
    "temaforloeb": {
        "title": "Temaforløb om overgreb mod børn",
        "block": KOMMUNE_BLOCK, "weight": 14,
        "fields": [
            ("besluttet_chefniveau", "checkbox", False, None),
            ("personaleressourcer_afsat", "checkbox", False, None),
            ("ledelsesopbakning", "checkbox", False, None),
            ("tema", "text", True, None),
            ("forloebstype", "choice", True, ["sparring", "rådgivning", "undervisning"]),
            ("timer", "integer", True, None),
            ("indledende_moede_dato", "date", True, None),
            ("motivation", "longtext", True, None),
            ("tidligere_bistand", "checkbox", False, None),
        ],
    },
    "partnerskab-magtanvendelse-2021": {
        "title": "Partnerskab om forebyggelse af magtanvendelse",
        "block": STED_BLOCK, "weight": 12,
        "fields": [
            ("aaben_institution", "checkbox", False, None),
            ("driftsherre_navn", "text", True, None),
            ("driftsherre_type", "choice", False, ["kommunal", "regional", "privat"]),
            ("driftsherre_deltager", "checkbox", False, None),
            ("maalgruppe_handicap", "checkbox", False, None),
            ("antal_magtanvendelser_2020", "integer", False, None),
            ("motivation", "longtext", True, None),
            ("ledelsesopbakning", "checkbox", False, None),
        ],
    },
    "beredskab-revision-2021": {
        "title": "Rådgivningsforløb om revision af det kommunale beredskab",
        "block": KOMMUNE_BLOCK, "weight": 8,
        "fields": [
            ("beredskab_godkendt_dato", "date", True, None),
            ("oensket_opstart", "choice", False, ["2021", "2022"]),
            ("deltager_workshops", "checkbox", False, None),
            ("motivation", "longtext", False, None),
        ],
    },
    "informationsmoede-2021": {
        "title": "Tilmelding til informationsmøde 18. august 2021",
        "block": [], "weight": 18,
        "fields": [
            ("navn", "text", False, None), ("email", "email", True, None),
            ("organisation", "text", True, None), ("stilling", "text", False, None),
            ("sted_type", "choice", False, STED_TYPES),
        ],
    },
}
OFFER_IDS = sorted(OFFERS)


def offer_fields(offer_id):
    o = OFFERS[offer_id]
    return list(o["block"]) + list(o["fields"])


# --- values ----------------------------------------------------------------

def valid_values(rng, offer_id, large):
    """Values that make an eligible application of OFFER_ID."""
    v = {}
    names = {f[0] for f in offer_fields(offer_id)}
    k, postnr, by = kommune_pick(rng)
    contact = navn(rng)
    if "forvaltning" in names:           # kommune block
        v.update(kommune=k, forvaltning=rng.choice(FORVALTNINGER),
                 kontakt_navn=contact, kontakt_stilling=rng.choice(STILLINGER),
                 kontakt_email=email_for(rng, contact, re.sub(r"[^a-z]", "", k.lower()) or "kommune"),
                 kontakt_telefon=telefon(rng), chef_navn=navn(rng),
                 ansoegning_dato=("date", 2021, rng.randrange(1, 8), rng.randrange(1, 29)))
    if "sted_navn" in names:             # anbringelsessted block
        fra = rng.randrange(3, 8)
        v.update(sted_navn=rng.choice(STED_PREFIX) + " " + rng.choice(STED_NAVNE),
                 sted_type=rng.choice(STED_TYPES[:2]), cvr=cvr(rng),
                 adresse="%s %d" % (rng.choice(VEJE), rng.randrange(1, 120)),
                 postnr=postnr, by=by, kommune=k,
                 antal_pladser=rng.randrange(4, 30), alder_fra=fra,
                 alder_til=rng.randrange(max(fra, 8), 18), leder_navn=navn(rng),
                 kontakt_navn=contact, kontakt_telefon=telefon(rng),
                 kontakt_email=email_for(rng, contact, "sted"))
    motivation = ("para", tekst(rng, 5000 if large else rng.randrange(320, 1200)))
    if offer_id == "temadag-plejefamilie":
        v.update(antal_plejefamilier=rng.randrange(10, 40), antal_konsulenter=rng.randrange(2, 10),
                 emne_forebyggelse=rng.random() < 0.7, emne_opsporing=rng.random() < 0.6,
                 emne_haandtering=True, oensket_periode="Efteråret 2021",
                 lokale_stilles=True)
    elif offer_id == "opkvalificering-anbringelsessted":
        v.update(antal_medarbejdere=rng.randrange(5, 60), deltager_begge_temadage=True,
                 oensker_politikstoette=rng.random() < 0.5, ledelsesopbakning=True,
                 motivation=motivation)
    elif offer_id == "spillerum-2019":
        kt = rng.choice(["fælleskursus", "arbejdspladskursus"])
        v.update(kursustype=kt,
                 antal_deltagere=rng.randrange(25, 41) if kt == "arbejdspladskursus" else rng.randrange(3, 6),
                 ledelsesopbakning=True, personaleressourcer_afsat=True,
                 afproevning_mellem_kursusdage=True, boern_har_sprog=True,
                 maalgruppe=rng.choice(["socialt udsatte", "handicap", "begge"]))
    elif offer_id == "raadgivningsforloeb":
        v.update(besluttet_chefniveau=True, personaleressourcer_afsat=True,
                 elem_beredskab=rng.random() < 0.5, elem_boernesamtaler=True,
                 elem_tvaerfagligt=rng.random() < 0.5, elem_spillerum=rng.random() < 0.3,
                 udviklingsbehov=motivation, tidligere_bistand=rng.random() < 0.3)
    elif offer_id == "temaforloeb":
        v.update(besluttet_chefniveau=True, personaleressourcer_afsat=True,
                 ledelsesopbakning=rng.random() < 0.8,
                 tema=rng.choice(["Børnesamtaler ved mistanke om overgreb",
                                  "Digitale krænkelser blandt unge",
                                  "Kommunens beredskab mod vold"]),
                 forloebstype=rng.choice(["sparring", "rådgivning", "undervisning"]),
                 timer=rng.randrange(5, 26),
                 indledende_moede_dato=("date", 2021, rng.randrange(1, 7), rng.randrange(1, 29)),
                 motivation=motivation, tidligere_bistand=rng.random() < 0.3)
    elif offer_id == "partnerskab-magtanvendelse-2021":
        v.update(aaben_institution=True, driftsherre_navn=k + " Kommune",
                 driftsherre_type=rng.choice(["kommunal", "regional", "privat"]),
                 driftsherre_deltager=True, maalgruppe_handicap=rng.random() < 0.4,
                 antal_magtanvendelser_2020=rng.randrange(0, 200),
                 motivation=motivation, ledelsesopbakning=True)
    elif offer_id == "beredskab-revision-2021":
        v.update(beredskab_godkendt_dato=("date", rng.randrange(2016, 2019), rng.randrange(1, 13), rng.randrange(1, 29)),
                 oensket_opstart=rng.choice(["2021", "2022"]), deltager_workshops=True,
                 motivation=motivation)
    elif offer_id == "informationsmoede-2021":
        v.update(navn=contact, email=email_for(rng, contact, "org"),
                 organisation=k + " Kommune", stilling=rng.choice(STILLINGER),
                 sted_type=rng.choice(STED_TYPES))
    return v


# One way per offer to fail an eligibility criterion (offers.md).
INELIGIBLE = {
    "temadag-plejefamilie": [
        lambda rng, v: v.update(emne_forebyggelse=False, emne_opsporing=False, emne_haandtering=False),
        lambda rng, v: v.update(antal_plejefamilier=70, antal_konsulenter=5),
        lambda rng, v: v.update(lokale_stilles=False)],
    "opkvalificering-anbringelsessted": [
        lambda rng, v: v.update(sted_type="plejefamilie", cvr=""),
        lambda rng, v: v.update(deltager_begge_temadage=False),
        lambda rng, v: v.update(ledelsesopbakning=False)],
    "spillerum-2019": [
        lambda rng, v: v.update(boern_har_sprog=False),
        lambda rng, v: v.update(alder_fra=15, alder_til=18),
        lambda rng, v: v.update(kursustype="arbejdspladskursus", antal_deltagere=55)],
    "raadgivningsforloeb": [
        lambda rng, v: v.update(besluttet_chefniveau=False),
        lambda rng, v: v.update(elem_beredskab=False, elem_boernesamtaler=False,
                                elem_tvaerfagligt=False, elem_spillerum=False)],
    "temaforloeb": [
        lambda rng, v: v.update(timer=40),
        lambda rng, v: v.update(besluttet_chefniveau=False),
        lambda rng, v: v.update(indledende_moede_dato=("date", 2021, 12, 1))],
    "partnerskab-magtanvendelse-2021": [
        lambda rng, v: v.update(aaben_institution=False),
        lambda rng, v: v.update(driftsherre_deltager=False),
        lambda rng, v: v.update(alder_fra=0, alder_til=4)],
    "beredskab-revision-2021": [
        lambda rng, v: v.update(deltager_workshops=False),
        lambda rng, v: v.update(beredskab_godkendt_dato=("date", 2021, 3, 1))],
    # A registration has no eligibility: an "ineligible" one is late or
    # lacks its organisation, which the validator reports as incomplete.
    "informationsmoede-2021": [
        lambda rng, v: v.update(organisation="")],
}


def make_values(rng, offer_id, klass, large):
    v = valid_values(rng, offer_id, large)
    if klass == "ineligible":
        rng.choice(INELIGIBLE[offer_id])(rng, v)
    elif klass == "incomplete":
        required = [f[0] for f in offer_fields(offer_id) if f[2]]
        for name in rng.sample(required, min(len(required), rng.randrange(1, 4))):
            v[name] = ""
    return v


# --- labels from the offer definitions, when they exist ---------------------

def load_labels(datadir):
    """offer id -> {field name -> Danish label}, from forms/<id>/offer.xml and
    the blocks it includes (forms/blocks/*.xml); under None, every label seen
    (the first for a name), for offers without a definition.

    Per offer, because a name may have another label in another offer
    ("kommune" is "Kommune" for a municipality, "Beliggenhedskommune" for a
    residential institution): a form must carry its own offer's labels, or a
    re-save that drops the field tags (LibreOffice does) leaves labels that
    no reader could match."""
    ns = "{urn:skema:offer:1}"
    labels = {None: {}}
    forms = os.path.join(datadir, "forms")
    if not os.path.isdir(forms):
        return labels

    def fields_of(tree, blocks):
        out = {}
        for el in tree.iter():
            if el.tag == ns + "include" and el.get("block") in blocks:
                for k, v in blocks[el.get("block")].items():
                    out.setdefault(k, v)
            elif el.tag == ns + "field":
                label = el.find(ns + "label")
                if el.get("name") and label is not None and label.text:
                    out.setdefault(el.get("name"), label.text.strip())
        return out

    def parse(path):
        try:
            return ET.parse(path)
        except (ET.ParseError, OSError):
            return None

    blocks = {}
    bdir = os.path.join(forms, "blocks")
    for f in sorted(os.listdir(bdir)) if os.path.isdir(bdir) else []:
        tree = parse(os.path.join(bdir, f)) if f.endswith(".xml") else None
        if tree is not None:
            blocks[tree.getroot().get("name") or f[:-4]] = fields_of(tree, {})
    for d in sorted(os.listdir(forms)):
        tree = parse(os.path.join(forms, d, "offer.xml"))
        if tree is None:
            continue
        offer_id = tree.getroot().get("id") or d
        labels[offer_id] = fields_of(tree, blocks)
        for k, v in labels[offer_id].items():
            labels[None].setdefault(k, v)
    return labels


def label_of(labels, name, offer_id=None):
    mine = labels.get(offer_id) or labels.get(None) or {}
    if name in mine:
        return mine[name]
    return name.replace("_", " ").replace("oe", "ø").replace("aa", "å").capitalize()


# --- XML helpers -------------------------------------------------------------

def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def attr(s):
    """An attribute value; newlines kept as character references (an
    attribute's literal newline is normalised to a space by any parser)."""
    return (esc(s).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def shown(value, ftype):
    """The text a field shows: str for text-like fields."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple) and value[0] == "para":
        return "\n".join(value[1])
    return value


def zip_bytes(entries, stored_first=None):
    """A deterministic zip: entries in the given order, fixed dates."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == stored_first:
                info.compress_type = zipfile.ZIP_STORED
                z.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def participants(rng, rows):
    return [(navn(rng), rng.choice(STILLINGER), "%s@eksempel.dk" % i) for i in range(1, rows + 1)]


# --- DOCX ---------------------------------------------------------------------

W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="w14"')
PLACEHOLDER = "Klik eller tryk her for at skrive tekst."


def w_runs(rng, text):
    """Runs for TEXT; sometimes split across w:r, as Word does after edits."""
    if len(text) > 6 and rng.random() < 0.25:
        cut = rng.randrange(1, len(text) - 1)
        parts = [text[:cut], text[cut:]]
    else:
        parts = [text]
    return "".join('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % esc(p) for p in parts)


def docx_control(rng, name, label, ftype, choices, value):
    """A run-level content control for one field (inside a w:p)."""
    pr = '<w:alias w:val="%s"/><w:tag w:val="%s"/>' % (attr(label), attr(name))
    if ftype == "checkbox":
        on = bool(value)
        return ('<w:sdt><w:sdtPr>%s<w14:checkbox><w14:checked w14:val="%d"/>'
                '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
                '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>'
                '</w:sdtPr><w:sdtContent><w:r><w:t>%s</w:t></w:r></w:sdtContent></w:sdt>'
                % (pr, 1 if on else 0, "☒" if on else "☐"))
    empty = value == "" or value is None
    if ftype == "choice":
        items = "".join('<w:listItem w:displayText="%s" w:value="%s"/>' % (attr(c), attr(c)) for c in choices)
        text = "Vælg et element." if empty else value
        return ('<w:sdt><w:sdtPr>%s%s<w:dropDownList>%s</w:dropDownList></w:sdtPr>'
                '<w:sdtContent>%s</w:sdtContent></w:sdt>'
                % (pr, '<w:showingPlcHdr/>' if empty else "", items, w_runs(rng, text)))
    if ftype == "date" and not empty:
        _tag, y, m, d = value
        return ('<w:sdt><w:sdtPr>%s<w:date w:fullDate="%04d-%02d-%02dT00:00:00Z">'
                '<w:dateFormat w:val="dd-MM-yyyy"/><w:lid w:val="da-DK"/>'
                '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
                '</w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>'
                % (pr, y, m, d, w_runs(rng, "%02d-%02d-%04d" % (d, m, y))))
    if empty:
        return ('<w:sdt><w:sdtPr>%s<w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent>'
                '<w:r><w:t>%s</w:t></w:r></w:sdtContent></w:sdt>' % (pr, PLACEHOLDER))
    return ('<w:sdt><w:sdtPr>%s<w:text/></w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>'
            % (pr, w_runs(rng, shown(value, ftype))))


def docx_longtext(name, label, value):
    """A block-level rich-text control: one w:p per paragraph."""
    pr = '<w:alias w:val="%s"/><w:tag w:val="%s"/>' % (attr(label), attr(name))
    if value == "" or value is None:
        return ('<w:sdt><w:sdtPr>%s<w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>'
                '<w:t>%s</w:t></w:r></w:p></w:sdtContent></w:sdt>' % (pr, PLACEHOLDER))
    paras = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % esc(p) for p in value[1])
    return '<w:sdt><w:sdtPr>%s</w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>' % (pr, paras)


def w_cell(content, width):
    return ('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>' % (width, content))


def w_para(text, bold=False, style=None):
    ppr = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return '<w:p>%s<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (ppr, rpr, esc(text))


def make_docx(rng, offer_id, values, labels, large):
    o = OFFERS[offer_id]
    body = [w_para("Socialstyrelsen", bold=True), w_para(o["title"], style="Title"),
            w_para("Udfyld felterne og send ansøgningen til Socialstyrelsen.")]
    rows, longs = [], []
    for name, ftype, _req, choices in offer_fields(offer_id):
        if ftype == "longtext":
            longs.append((name, label_of(labels, name, offer_id)))
            continue
        label = label_of(labels, name, offer_id)
        ctl = docx_control(rng, name, label, ftype, choices, values.get(name, ""))
        rows.append('<w:tr>%s%s</w:tr>' % (w_cell(w_para(label), 4000),
                                           w_cell('<w:p>%s</w:p>' % ctl, 5000)))
    body.append('<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>'
                '<w:insideH w:val="single" w:sz="4"/></w:tblBorders></w:tblPr>'
                '<w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="5000"/></w:tblGrid>%s</w:tbl>'
                % "".join(rows))
    for name, label in longs:
        body.append(w_para(label, bold=True))
        body.append(docx_longtext(name, label, values.get(name, "")))
    if large:
        body.append(w_para("Deltagere", bold=True))
        prow = "".join('<w:tr>%s%s%s</w:tr>' % (w_cell(w_para(a), 3000), w_cell(w_para(b), 3000),
                                                 w_cell(w_para(c), 3000))
                       for a, b, c in participants(rng, 100))
        body.append('<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
                    '<w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
                    '%s</w:tbl>' % prow)
    body.append('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr>')
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document %s><w:body>%s</w:body></w:document>' % (W_NS, "".join(body)))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
        '</Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
        '</Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>%s</dc:title>'
            '<dc:creator>Socialstyrelsen</dc:creator></cp:coreProperties>' % esc(o["title"]))
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="%s" pid="2" name="skema.form"><vt:lpwstr>%s</vt:lpwstr></property>'
              '<property fmtid="%s" pid="3" name="skema.version"><vt:lpwstr>1</vt:lpwstr></property>'
              '</Properties>' % (fmtid, offer_id, fmtid))
    return zip_bytes([("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                      ("docProps/core.xml", core), ("docProps/custom.xml", custom),
                      ("word/_rels/document.xml.rels", doc_rels),
                      ("word/document.xml", document)])


# --- ODT ----------------------------------------------------------------------

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:xlink="http://www.w3.org/1999/xlink" '
          'xmlns:ooo="http://openoffice.org/2004/office" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:xml="http://www.w3.org/XML/1998/namespace" office:version="1.3"')
IMPL = "ooo:com.sun.star.form.component."


def odt_control(cid, name, ftype, choices, value):
    """The office:forms model of one field's control."""
    common = 'form:name="%s" xml:id="%s" form:id="%s"' % (attr(name), cid, cid)
    empty = value == "" or value is None
    if ftype == "checkbox":
        return ('<form:checkbox %s form:control-implementation="%sCheckBox" form:current-state="%s" '
                'form:image-position="center"/>' % (common, IMPL, "checked" if value else "unchecked"))
    if ftype == "choice":
        opts = "".join('<form:option form:label="%s"%s/>'
                       % (attr(c), ' form:current-selected="true"' if c == value else "") for c in choices)
        return ('<form:listbox %s form:control-implementation="%sListBox" form:dropdown="true" '
                'form:size="1">%s</form:listbox>' % (common, IMPL, opts))
    if ftype == "date" and not empty:
        _t, y, m, d = value
        return ('<form:date %s form:control-implementation="%sDateField" form:current-value="%04d-%02d-%02d"/>'
                % (common, IMPL, y, m, d))
    if ftype == "longtext":
        return ('<form:textarea %s form:control-implementation="%sTextField" form:current-value="%s"/>'
                % (common, IMPL, attr("" if empty else shown(value, ftype))))
    return ('<form:text %s form:control-implementation="%sTextField" form:current-value="%s"/>'
            % (common, IMPL, attr("" if empty else shown(value, ftype))))


def make_odt(rng, offer_id, values, labels, large):
    o = OFFERS[offer_id]
    controls, rows, longs = [], [], []
    n = 0
    for name, ftype, _req, choices in offer_fields(offer_id):
        n += 1
        cid = "control%d" % n
        controls.append(odt_control(cid, name, ftype, choices, values.get(name, "")))
        label = label_of(labels, name, offer_id)
        height = "4cm" if ftype == "longtext" else "0.6cm"
        anchor = ('<text:p text:style-name="P1"><draw:control text:anchor-type="as-char" '
                  'svg:width="8cm" svg:height="%s" draw:control="%s"/></text:p>' % (height, cid))
        if ftype == "longtext":
            longs.append('<text:p text:style-name="P2">%s</text:p>%s' % (esc(label), anchor))
        else:
            rows.append('<table:table-row><table:table-cell office:value-type="string"><text:p>%s</text:p>'
                        '</table:table-cell><table:table-cell office:value-type="string">%s'
                        '</table:table-cell></table:table-row>' % (esc(label), anchor))
    table = ('<table:table table:name="Ansøgning"><table:table-column table:number-columns-repeated="2"/>'
             '%s</table:table>' % "".join(rows))
    extra = ""
    if large:
        prow = "".join('<table:table-row>%s</table:table-row>'
                       % "".join('<table:table-cell office:value-type="string"><text:p>%s</text:p>'
                                 '</table:table-cell>' % esc(c) for c in r)
                       for r in participants(rng, 100))
        extra = ('<text:p text:style-name="P2">Deltagere</text:p><table:table table:name="Deltagere">'
                 '<table:table-column table:number-columns-repeated="3"/>%s</table:table>' % prow)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content %s><office:automatic-styles>'
        '<style:style style:name="P1" style:family="paragraph"/>'
        '<style:style style:name="P2" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>'
        '</office:automatic-styles><office:body><office:text>'
        '<office:forms form:automatic-focus="false" form:apply-design-mode="false">'
        '<form:form form:name="Ansøgning" form:apply-filter="true" form:command-type="table" '
        'form:control-implementation="ooo:com.sun.star.form.component.Form">%s</form:form></office:forms>'
        '<text:p text:style-name="P2">Socialstyrelsen</text:p><text:h text:outline-level="1">%s</text:h>'
        '<text:p>Udfyld felterne og send ansøgningen til Socialstyrelsen.</text:p>%s%s%s'
        '</office:text></office:body></office:document-content>'
        % (ODF_NS, "".join(controls), esc(o["title"]), table, "".join(longs), extra))
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document-meta %s><office:meta><dc:title>%s</dc:title>'
            '<meta:user-defined meta:name="skema.form">%s</meta:user-defined>'
            '<meta:user-defined meta:name="skema.version">1</meta:user-defined>'
            '</office:meta></office:document-meta>' % (ODF_NS, esc(o["title"]), offer_id))
    styles = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<office:document-styles %s><office:styles>'
              '<style:default-style style:family="paragraph"><style:text-properties fo:font-size="11pt"/>'
              '</style:default-style></office:styles></office:document-styles>' % ODF_NS)
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    return zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"),
                      ("META-INF/manifest.xml", manifest), ("content.xml", content),
                      ("styles.xml", styles), ("meta.xml", meta)], stored_first="mimetype")


# --- broken files ---------------------------------------------------------------

def make_broken(rng, good):
    """A file staff may drop that is not a readable form: (kind, bytes)."""
    kind = rng.choice(["empty", "truncated", "legacy_doc", "pdf", "random", "no_document_part"])
    if kind == "empty":
        return kind, b""
    if kind == "truncated":
        return kind, good[: len(good) // 2]
    if kind == "legacy_doc":
        return kind, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(4088))
    if kind == "pdf":
        return kind, (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    if kind == "random":
        return kind, bytes(rng.randrange(256) for _ in range(2048))
    return kind, zip_bytes([("readme.txt", "ikke en ansøgning")])


# --- LibreOffice re-save ---------------------------------------------------------

def resave(soffice, paths, tmpdir):
    """Opens and saves PATHS in LibreOffice (one call per format), in place.
    Returns the list of paths actually replaced."""
    done = []
    profile = "file://" + os.path.join(tmpdir, "lo-profile")
    for ext in ("docx", "odt"):
        batch = [p for p in paths if p.endswith("." + ext)]
        if not batch:
            continue
        outdir = os.path.join(tmpdir, "out-" + ext)
        os.makedirs(outdir, exist_ok=True)
        cmd = [soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore",
               "--convert-to", ext, "--outdir", outdir] + batch
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=900)
        for p in batch:
            out = os.path.join(outdir, os.path.basename(p))
            if os.path.exists(out) and os.path.getsize(out) > 0:
                shutil.move(out, p)
                done.append(p)
        if r.returncode != 0 and not done:
            sys.stderr.write("workload: soffice failed: %s\n" % r.stderr.decode(errors="replace").strip())
    return done


# --- main ----------------------------------------------------------------------------

def plan(n, seed):
    """The deterministic plan: a list of (index, offer, format, class, large)."""
    rng = random.Random("plan:%d:%d" % (seed, n))
    weights = [OFFERS[o]["weight"] for o in OFFER_IDS]
    out = []
    for i in range(n):
        # every offer and both formats appear as soon as n allows
        offer = OFFER_IDS[i % len(OFFER_IDS)] if i < 16 else rng.choices(OFFER_IDS, weights)[0]
        fmt = ("docx", "odt")[(i // len(OFFER_IDS)) % 2] if i < 16 else ("docx" if rng.random() < 0.6 else "odt")
        r = rng.random()
        klass = "valid" if r < 0.75 else "incomplete" if r < 0.87 else "ineligible" if r < 0.97 else "broken"
        # every class appears as soon as n allows (the rest is random)
        klass = {3: "valid", 5: "incomplete", 9: "ineligible", 13: "broken"}.get(i, klass)
        large = rng.random() < 0.02 or i == 3
        # Who writes the form: the project's own form writer (mkform, when
        # built) for about half, a few of those "retyped" without controls
        # (--plain), the rest and every large form (mkform has no 100-row
        # table) by the writer below, which encodes fields differently
        # (ODT form controls rather than content controls).
        w = rng.random()
        writer = "mkform" if w < 0.47 else "mkform-plain" if w < 0.50 else "builtin"
        if large or klass == "broken" or i in (0, 1, 8, 9):
            writer = "builtin"
        elif i in (2, 10):
            writer = "mkform"
        out.append((i, offer, fmt, klass, large, writer))
    return out


def mkform_values(values):
    """VALUES as mkform --fill takes them: strings, integers, booleans;
    dates as an applicant types them, paragraphs joined; empty left out."""
    out = {}
    for name, v in values.items():
        if v == "" or v is None:
            continue
        if isinstance(v, tuple) and v[0] == "para":
            out[name] = "\n\n".join(v[1])
        elif isinstance(v, tuple) and v[0] == "date":
            # typed as applicants type dates, in one of the spec's forms
            out[name] = date_text(random.Random(repr(v)), *v[1:4])
        else:
            out[name] = v
    return out


KOMMUNE_CANONICAL = {"Århus": "Aarhus", "Københavns Kommune": "København"}


def expected_values(offer_id, values):
    """What a correct extractor reports as each filled field's normalised
    value (docs/records.md, the spec's type table); empty fields left out.
    Long text is compared with its whitespace collapsed, since paragraph
    breaks may be kept as one or two newlines."""
    types = {f[0]: f[1] for f in offer_fields(offer_id)}
    out = {}
    for name, v in values.items():
        t = types.get(name)
        if t is None or v == "" or v is None:
            continue
        if t == "checkbox":
            out[name] = 1 if v else 0
        elif t == "integer":
            out[name] = int(v)
        elif t == "date":
            out[name] = "%04d-%02d-%02d" % v[1:4]
        elif t == "longtext":
            out[name] = " ".join(v[1])
        elif t == "phone":
            d = re.sub(r"\D", "", v)[-8:]
            out[name] = "+45 %s %s %s %s" % (d[0:2], d[2:4], d[4:6], d[6:8])
        elif t == "cvr":
            out[name] = v.replace(" ", "")
        elif t == "kommune":
            out[name] = KOMMUNE_CANONICAL.get(v, v)
        else:
            out[name] = str(v)
    return out


def run_mkform(mkform, datadir, offer_id, values, plain, out_path, tmpdir):
    """Writes one filled form with mkform.  Returns its exit code."""
    vpath = os.path.join(tmpdir, "values.json")
    with open(vpath, "w", encoding="utf-8") as f:
        json.dump(mkform_values(values), f, ensure_ascii=False, sort_keys=True)
    cmd = [mkform, "--fill", vpath] + (["--plain"] if plain else []) + \
        ["-o", out_path, os.path.join(datadir, "forms", offer_id, "offer.xml")]
    # Another engineer's build may be rewriting mkform this very second:
    # try again a few times before giving up on it for this form.
    for attempt in range(5):
        try:
            return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
        except OSError:
            time.sleep(1 + attempt)
    return 126


def main(argv):
    ap = argparse.ArgumentParser(prog="workload", description="Writes N filled forms for the benchmark.")
    ap.add_argument("-n", type=int, required=True, help="number of forms")
    ap.add_argument("-s", "--seed", type=int, default=1, help="seed (default 1)")
    ap.add_argument("-o", "--output", required=True, help="output directory (created)")
    ap.add_argument("--resave", type=int, default=0, metavar="K",
                    help="replace K valid forms by LibreOffice re-saves (default 0)")
    ap.add_argument("--soffice", default=shutil.which("soffice") or "", help="LibreOffice program")
    ap.add_argument("--mkform", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                     "build", "bin", "mkform"),
                    help="the project's form writer (default build/bin/mkform; \"\" for none)")
    ap.add_argument("--datadir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                    help="where forms/ is (labels)")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 64
    if args.n < 0 or args.resave < 0:
        sys.stderr.write("workload: -n and --resave must not be negative\n")
        return 64
    labels = load_labels(args.datadir)
    forms = os.path.join(args.output, "forms")
    os.makedirs(forms, exist_ok=True)
    mkform = args.mkform if args.mkform and os.access(args.mkform, os.X_OK) else None
    rows = []
    failed = 0
    tmpdir = tempfile.mkdtemp(prefix="skema-workload-")
    expected = open(os.path.join(args.output, "values.jsonl"), "w", encoding="utf-8")
    for i, offer, fmt, klass, large, writer in plan(args.n, args.seed):
        rng = random.Random("form:%d:%d" % (args.seed, i))
        values = make_values(rng, offer, klass, large)
        if klass != "broken":
            expected.write(json.dumps({"file": "ansoegning-%05d.%s" % (i + 1, fmt), "form": offer,
                                       "values": expected_values(offer, values)},
                                      ensure_ascii=False, sort_keys=True) + "\n")
        data = (make_docx if fmt == "docx" else make_odt)(rng, offer, values, labels, large)
        detail = "large" if large else "-"
        if klass == "broken":
            detail, data = make_broken(rng, data)
        name = "ansoegning-%05d.%s" % (i + 1, fmt)
        path = os.path.join(forms, name)
        if writer.startswith("mkform") and mkform and \
                os.path.exists(os.path.join(args.datadir, "forms", offer, "offer.xml")):
            rc = run_mkform(mkform, args.datadir, offer, values, writer == "mkform-plain", path, tmpdir)
            if rc == 0:
                rows.append([name, offer, fmt, klass, detail, os.path.getsize(path), writer])
                continue
            failed += 1
            sys.stderr.write("workload: mkform failed (exit %d) on %s; written by the builtin writer\n" % (rc, name))
        with open(path, "wb") as f:
            f.write(data)
        rows.append([name, offer, fmt, klass, detail, len(data), "builtin"])
    shutil.rmtree(tmpdir, ignore_errors=True)
    expected.close()
    if args.resave:
        if not args.soffice:
            sys.stderr.write("workload: --resave needs LibreOffice (soffice), not found\n")
            return 70
        pick = random.Random("resave:%d" % args.seed)
        candidates = [r for r in rows if r[3] == "valid" and r[4] == "-"]
        chosen = pick.sample(candidates, min(args.resave, len(candidates)))
        with tempfile.TemporaryDirectory(prefix="skema-workload-") as tmp:
            done = set(resave(args.soffice, [os.path.join(forms, r[0]) for r in chosen], tmp))
        for r in chosen:
            if os.path.join(forms, r[0]) in done:
                r[4] = "resaved"
                r[5] = os.path.getsize(os.path.join(forms, r[0]))
    with open(os.path.join(args.output, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("file\toffer\tformat\tclass\tdetail\tsize\twriter\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
