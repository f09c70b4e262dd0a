"""XBRL output shared by the regimes: an Inline XBRL 1.1 builder (:mod:`reports.xbrl.ixbrl`) and
offline validation of the produced files — Arelle for iXBRL, lxml/XSD for XML
(:mod:`reports.xbrl.validate`). Pure code: no models, no settings, no network.
"""
