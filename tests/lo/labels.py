#!/usr/bin/env python3
"""tests/lo/labels.py OFFER.xml VALUES.json OUT.tsv OUT.json

Turns mkform fill values into what an applicant types in LibreOffice: one
"label TAB value" line per field (checkboxes as the glyphs ☒/☐, line breaks
in long text as spaces), and writes the same values as JSON for a reference
form made by mkform.  Used by t2021."""
import json
import os
import sys
import xml.etree.ElementTree as ET

NS = "{urn:skema:offer:1}"


def fields(path, forms):
    root = ET.parse(path).getroot()
    for el in root.iter():
        if el.tag == NS + "include":
            yield from fields(os.path.join(forms, "blocks", el.get("block") + ".xml"), forms)
        elif el.tag == NS + "field":
            yield el.get("name"), el.get("type"), " ".join(el.find(NS + "label").text.split())


def main():
    offer, values_path, tsv, out_json = sys.argv[1:5]
    forms = os.path.dirname(os.path.dirname(os.path.abspath(offer)))
    values = json.load(open(values_path, encoding="utf-8"))
    seen = {}
    for name, kind, label in fields(offer, forms):
        seen[name] = (kind, label)
    lines, used = [], {}
    for name, value in values.items():
        kind, label = seen[name]
        if kind == "checkbox":
            text = "☒" if value is True or str(value).lower() in ("ja", "x", "1", "true") else "☐"
        else:
            text = " ".join(str(value).split())
            value = text
        used[name] = value
        lines.append(label + "\t" + text)
    open(tsv, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    json.dump(used, open(out_json, "w", encoding="utf-8"), ensure_ascii=False)


main()
