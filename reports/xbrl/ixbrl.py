"""A small Inline XBRL 1.1 document builder: lxml tree, ``Decimal`` numbers, deterministic bytes.

It knows XBRL, not any taxonomy. A regime's mapping module (``regimes/csrd/ixbrl.py`` for ESRS
E1, later ISSB IFRS S2) decides which concept, dimensions and unit each figure gets and lays out
the XHTML; this module makes the parts right:

* **entity** — an LEI under the ISO 17442 scheme (check digits verified, ISO 7064 MOD 97-10), or,
  for drafts and undertakings without an LEI, a local identifier under :data:`FALLBACK_SCHEME`;
* **contexts** — duration or instant periods, explicit and typed dimension members in
  ``xbrli:scenario`` (the ESRS hypercubes use ``contextElement="scenario"``), de-duplicated;
* **units** — simple or divide units of QName measures (``utr:tCO2e``, ``iso4217:EUR``,
  ``utr:MWh``, ``xbrli:pure``, ``utr:tCO2e`` / ``iso4217:EUR``), de-duplicated, readable ids;
* **facts** — ``ix:nonFraction`` whose displayed text, ``scale`` and ``decimals`` are derived from
  the exact ``Decimal`` (never rounded here: quantize before you call), negative values as a
  ``sign="-"`` fact with the minus sign outside the tag; ``ix:nonNumeric`` with ``escape="true"``
  for XHTML content; nested facts (one displayed number carrying two concepts); ``ix:hidden``.

Transformations are from the Inline XBRL Transformation Registry 5 (namespace
``http://www.xbrl.org/inlineXBRL/transformation/2020-02-12``): numbers are written with comma
grouping and a dot decimal separator (``ixt:num-dot-decimal``), booleans shown as words use
``ixt:fixed-true`` / ``ixt:fixed-false``.

The output has no clock and no randomness: the same calls in the same order give the same bytes.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

NS_XHTML = "http://www.w3.org/1999/xhtml"
NS_IX = "http://www.xbrl.org/2013/inlineXBRL"
NS_IXT = "http://www.xbrl.org/inlineXBRL/transformation/2020-02-12"
NS_XBRLI = "http://www.xbrl.org/2003/instance"
NS_LINK = "http://www.xbrl.org/2003/linkbase"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_XBRLDI = "http://xbrl.org/2006/xbrldi"
NS_ISO4217 = "http://www.xbrl.org/2003/iso4217"
NS_UTR = "http://www.xbrl.org/2009/utr"
NS_XML = "http://www.w3.org/XML/1998/namespace"

#: Prefixes every document declares on its root element.
BASE_NAMESPACES: dict[str, str] = {
    "ix": NS_IX,
    "ixt": NS_IXT,
    "xbrli": NS_XBRLI,
    "link": NS_LINK,
    "xlink": NS_XLINK,
    "xbrldi": NS_XBRLDI,
    "iso4217": NS_ISO4217,
    "utr": NS_UTR,
}

#: ISO 17442 Legal Entity Identifier scheme, the identifier scheme regulators expect.
LEI_SCHEME = "http://standards.iso.org/iso/17442"
#: Used only when the undertaking has no LEI (drafts, voluntary reports): the identifier is then
#: FactorTrace's own (e.g. the tenant's slug) and means nothing outside this installation.
FALLBACK_SCHEME = "https://factortrace.org/xbrl/entity-identifier"

NUM_DOT_DECIMAL = "ixt:num-dot-decimal"
FIXED_TRUE = "ixt:fixed-true"
FIXED_FALSE = "ixt:fixed-false"

_LEI_RE = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_QNAME_RE = re.compile(r"^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$")
_NCNAME_RE = re.compile(r"^[A-Za-z_][\w.-]*$")
MINUS_SIGN = "\u2212"


class IxbrlError(ValueError):
    """Input that cannot be turned into a valid Inline XBRL fact, context or unit."""


def _qn(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


# --- entity -------------------------------------------------------------------------------


def lei_is_valid(lei: str) -> bool:
    """ISO 17442: 18 alphanumerics and 2 check digits; letters count 10..35; the number mod 97 is 1."""
    if not isinstance(lei, str) or not _LEI_RE.match(lei):
        return False
    return int("".join(str(int(ch, 36)) for ch in lei)) % 97 == 1


@dataclass(frozen=True)
class Entity:
    """The ``xbrli:identifier`` of every context: a value and the scheme it belongs to."""

    identifier: str
    scheme: str

    @classmethod
    def from_lei(cls, lei: str) -> Entity:
        lei = (lei or "").strip().upper()
        if not lei_is_valid(lei):
            raise IxbrlError(f"'{lei}' is not a valid LEI (ISO 17442: 20 characters, check digits mod 97)")
        return cls(lei, LEI_SCHEME)

    @classmethod
    def for_undertaking(cls, *, lei: str | None, local_identifier: str | None = None) -> Entity:
        """LEI when there is one; otherwise ``local_identifier`` under :data:`FALLBACK_SCHEME`."""
        if lei:
            return cls.from_lei(lei)
        local = (local_identifier or "").strip()
        if not local:
            raise IxbrlError("An LEI or a local identifier is needed to identify the undertaking")
        return cls(local, FALLBACK_SCHEME)


# --- periods and units ----------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """A period from ``start`` to ``end``, both days included (XBRL reads a date-only endDate
    as the end of that day, so FY2024 is 2024-01-01 .. 2024-12-31)."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise IxbrlError(f"Period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class Instant:
    """A point in time: the end of ``day``."""

    day: date


Period = Duration | Instant


@dataclass(frozen=True)
class Unit:
    """An XBRL unit: measures multiplied in ``numerator``, divided by ``denominator``."""

    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.numerator:
            raise IxbrlError("A unit needs at least one measure")
        for measure in self.numerator + self.denominator:
            match = _QNAME_RE.match(measure)
            if not match:
                raise IxbrlError(f"Unit measure '{measure}' is not a prefixed QName")
            if match.group(1) == "iso4217" and not _CURRENCY_RE.match(match.group(2)):
                raise IxbrlError(f"'{match.group(2)}' is not an ISO 4217 currency code")

    @property
    def id(self) -> str:
        """Readable, deterministic id: ``tCO2e``, ``EUR``, ``tCO2e_per_EUR``."""
        def part(measures):
            return "_".join(m.split(":", 1)[1] for m in measures)

        text = part(self.numerator) + (f"_per_{part(self.denominator)}" if self.denominator else "")
        return re.sub(r"[^\w.-]", "_", text)


def currency(code: str) -> Unit:
    """``iso4217:<code>`` (ISO 4217 alphabetic code, e.g. EUR)."""
    return Unit((f"iso4217:{code}",))


def per(numerator: Unit, denominator: Unit) -> Unit:
    """A ratio unit, e.g. ``per(TCO2E, currency("EUR"))`` for t CO2e per euro."""
    if numerator.denominator or denominator.denominator:
        raise IxbrlError("per() takes two simple units")
    return Unit(numerator.numerator, denominator.numerator)


TCO2E = Unit(("utr:tCO2e",))
MWH = Unit(("utr:MWh",))
PURE = Unit(("xbrli:pure",))
EUR = currency("EUR")


# --- numbers --------------------------------------------------------------------------------


def _check_decimal(value, what: str = "value") -> Decimal:
    # Floats are refused: 0.1 is not one tenth, and a filed figure must be the figure.
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise IxbrlError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise IxbrlError(f"{what} must be finite, got {value}")
    return value


def format_number(value: Decimal) -> str:
    """``Decimal`` as ``ixt:num-dot-decimal`` text, every digit kept: 12345.60 -> ``12,345.60``."""
    return f"{_check_decimal(value):,f}"


def decimals_of(value: Decimal) -> int:
    """The ``decimals`` that states exactly the precision the Decimal carries (exponent -3 -> 3)."""
    exponent = _check_decimal(value).as_tuple().exponent
    return -exponent  # finite Decimals have an int exponent


@dataclass(frozen=True)
class _ContextKey:
    entity: Entity
    period: Period
    explicit: tuple[tuple[str, str], ...]
    typed: tuple[tuple[str, str, str], ...]


class InlineXbrlDocument:
    """One Inline XBRL 1.1 document (a single XHTML file).

    Build the visible page under :attr:`body` with :meth:`element` and friends, create facts
    with :meth:`non_fraction` / :meth:`non_numeric` (they return the element to place), then
    :meth:`to_bytes`. ``namespaces`` adds taxonomy prefixes (``{"esrs": "https://..."}``);
    concepts, dimensions and members are then written as ``prefix:LocalName``.
    """

    def __init__(self, *, title: str, schema_refs: Sequence[str], namespaces: Mapping[str, str] | None = None,
                 lang: str = "en", stylesheet: str | None = None):
        if not schema_refs:
            raise IxbrlError("An Inline XBRL document needs at least one schemaRef")
        self.nsmap: dict[str | None, str] = {None: NS_XHTML, **BASE_NAMESPACES}
        for prefix, uri in (namespaces or {}).items():
            if prefix in self.nsmap and self.nsmap[prefix] != uri:
                raise IxbrlError(f"Prefix '{prefix}' is already bound to {self.nsmap[prefix]}")
            self.nsmap[prefix] = uri
        self.schema_refs = tuple(schema_refs)
        self.root = etree.Element(_qn(NS_XHTML, "html"), nsmap=self.nsmap)
        self.root.set(_qn(NS_XML, "lang"), lang)
        self.head = etree.SubElement(self.root, _qn(NS_XHTML, "head"))
        meta = etree.SubElement(self.head, _qn(NS_XHTML, "meta"))
        meta.set("http-equiv", "Content-Type")
        meta.set("content", "text/html; charset=UTF-8")
        etree.SubElement(self.head, _qn(NS_XHTML, "title")).text = title
        if stylesheet:
            etree.SubElement(self.head, _qn(NS_XHTML, "style"), type="text/css").text = stylesheet
        self.body = etree.SubElement(self.root, _qn(NS_XHTML, "body"))
        # ix:header may sit anywhere in the body; a display:none div at the top keeps it out of sight.
        self._header_holder = etree.SubElement(self.body, _qn(NS_XHTML, "div"), style="display:none")
        self._contexts: dict[_ContextKey, etree._Element] = {}
        self._context_ids: set[str] = set()
        self._units: dict[Unit, etree._Element] = {}
        self._hidden: list[etree._Element] = []

    # --- XHTML helpers --------------------------------------------------------------------

    def element(self, parent: etree._Element, tag: str, text: str | None = None, *,
                cls: str | None = None, **attrs: str) -> etree._Element:
        """Append an XHTML element; ``text`` is set as text (lxml escapes ``<``, ``&``, quotes)."""
        el = etree.SubElement(parent, _qn(NS_XHTML, tag))
        if cls:
            el.set("class", cls)
        for name, value in attrs.items():
            el.set(name.rstrip("_").replace("_", "-"), value)
        if text is not None:
            el.text = text
        return el

    @staticmethod
    def append_text(parent: etree._Element, text: str) -> None:
        """Append text after the last child of ``parent`` (or as its text when it has none)."""
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    # --- QNames ----------------------------------------------------------------------------

    def _check_qname(self, qname: str, what: str) -> str:
        match = _QNAME_RE.match(qname or "")
        if not match or match.group(1) not in self.nsmap:
            raise IxbrlError(f"{what} '{qname}' is not a QName with a declared prefix")
        return qname

    def expanded_name(self, qname: str) -> str:
        """``esrs:Foo`` -> ``https://.../2023-12-22#Foo`` (the Extensible Enumerations 2.0 value form)."""
        prefix, local = self._check_qname(qname, "Name").split(":", 1)
        return f"{self.nsmap[prefix]}#{local}"

    def _clark(self, qname: str) -> str:
        prefix, local = qname.split(":", 1)
        return _qn(self.nsmap[prefix], local)

    # --- contexts and units -------------------------------------------------------------------

    def context(self, entity: Entity, period: Period, *, explicit: Mapping[str, str] | None = None,
                typed: Mapping[str, tuple[str, str]] | None = None, id: str | None = None) -> str:
        """The id of the context for ``entity``, ``period`` and dimension members.

        ``explicit`` maps a dimension QName to a member QName; ``typed`` maps a typed dimension
        QName to ``(domain element QName, value)``. Identical contexts are created once; ``id``
        is a wish for a readable id (a counter is appended if it is taken).
        """
        explicit_items = tuple(sorted((self._check_qname(d, "Dimension"), self._check_qname(m, "Member"))
                                      for d, m in (explicit or {}).items()))
        typed_items = tuple(sorted((self._check_qname(d, "Dimension"), self._check_qname(el, "Typed domain"),
                                    str(v)) for d, (el, v) in (typed or {}).items()))
        if set(d for d, _ in explicit_items) & set(d for d, _, _ in typed_items):
            raise IxbrlError("A dimension cannot be both explicit and typed in one context")
        key = _ContextKey(entity, period, explicit_items, typed_items)
        if key in self._contexts:
            return self._contexts[key].get("id")

        context_id = self._unique_context_id(id or f"c{len(self._contexts) + 1}")
        ctx = etree.Element(_qn(NS_XBRLI, "context"), id=context_id)
        ent = etree.SubElement(ctx, _qn(NS_XBRLI, "entity"))
        etree.SubElement(ent, _qn(NS_XBRLI, "identifier"), scheme=entity.scheme).text = entity.identifier
        per_el = etree.SubElement(ctx, _qn(NS_XBRLI, "period"))
        if isinstance(period, Duration):
            etree.SubElement(per_el, _qn(NS_XBRLI, "startDate")).text = period.start.isoformat()
            etree.SubElement(per_el, _qn(NS_XBRLI, "endDate")).text = period.end.isoformat()
        elif isinstance(period, Instant):
            etree.SubElement(per_el, _qn(NS_XBRLI, "instant")).text = period.day.isoformat()
        else:
            raise IxbrlError(f"Unknown period {period!r}")
        if explicit_items or typed_items:
            scenario = etree.SubElement(ctx, _qn(NS_XBRLI, "scenario"))
            # XDT: members may come in any order; sorting by dimension keeps the bytes stable.
            members = [(d, "explicit", m) for d, m in explicit_items]
            members += [(d, "typed", (el, v)) for d, el, v in typed_items]
            for dimension, kind, member in sorted(members, key=lambda item: item[0]):
                if kind == "explicit":
                    el = etree.SubElement(scenario, _qn(NS_XBRLDI, "explicitMember"), dimension=dimension)
                    el.text = member
                else:
                    el = etree.SubElement(scenario, _qn(NS_XBRLDI, "typedMember"), dimension=dimension)
                    etree.SubElement(el, self._clark(member[0])).text = member[1]
        self._contexts[key] = ctx
        return context_id

    def _unique_context_id(self, wish: str) -> str:
        base = re.sub(r"[^\w.-]", "_", wish)
        if not _NCNAME_RE.match(base):
            base = f"c_{base}"
        candidate, n = base, 1
        while candidate in self._context_ids:
            n += 1
            candidate = f"{base}_{n}"
        self._context_ids.add(candidate)
        return candidate

    def unit(self, unit: Unit) -> str:
        """The id of ``unit`` (created on first use)."""
        if unit not in self._units:
            for measure in unit.numerator + unit.denominator:
                self._check_qname(measure, "Measure")
            if any(u.id == unit.id for u in self._units):
                raise IxbrlError(f"Two different units would share the id '{unit.id}'")
            el = etree.Element(_qn(NS_XBRLI, "unit"), id=unit.id)
            if unit.denominator:
                divide = etree.SubElement(el, _qn(NS_XBRLI, "divide"))
                for tag, measures in (("unitNumerator", unit.numerator), ("unitDenominator", unit.denominator)):
                    part = etree.SubElement(divide, _qn(NS_XBRLI, tag))
                    for measure in measures:
                        etree.SubElement(part, _qn(NS_XBRLI, "measure")).text = measure
            else:
                for measure in unit.numerator:
                    etree.SubElement(el, _qn(NS_XBRLI, "measure")).text = measure
            self._units[unit] = el
        return unit.id

    # --- facts -----------------------------------------------------------------------------------

    def non_fraction(self, concept: str, value: Decimal, *, context: str, unit: Unit, scale: int = 0,
                     decimals: int | None = None, also: Iterable[tuple[str, str]] = (),
                     fact_id: str | None = None) -> etree._Element:
        """A numeric fact for the exact ``value``, shown scaled by ``10**-scale``.

        ``scale=-2`` shows 0.4250 as ``42.50`` (percentages), ``scale=-6`` shows 0.000123456 as
        ``123.456`` (per million), ``scale=3`` shows 12000 as ``12`` (thousands). The displayed
        text keeps every digit of the Decimal; ``decimals`` defaults to exactly the precision
        the Decimal carries. A negative value becomes ``sign="-"`` with a minus sign outside the
        tag. ``also`` lists ``(concept, context)`` pairs to nest inside: the same displayed
        number tagged again with the same unit, scale and decimals.

        Returns the element to place in the page: the ``ix:nonFraction``, or for a negative
        value a ``span`` holding the minus sign and the fact.
        """
        value = _check_decimal(value, f"{concept} value")
        self._check_qname(concept, "Concept")
        unit_id = self.unit(unit)
        shown = abs(value).scaleb(-scale)  # exact: only the exponent changes
        if decimals is None:
            decimals = decimals_of(value)  # of the fact value, not of the scaled text
        negative = value < 0  # Decimal('-0') is not negative

        def make(name: str, ctx: str) -> etree._Element:
            self._check_qname(name, "Concept")
            fact = etree.Element(_qn(NS_IX, "nonFraction"))
            fact.set("name", name)
            fact.set("contextRef", ctx)
            fact.set("unitRef", unit_id)
            fact.set("decimals", str(decimals))
            if scale:
                fact.set("scale", str(scale))
            if negative:
                fact.set("sign", "-")
            fact.set("format", NUM_DOT_DECIMAL)
            return fact

        outer = make(concept, context)
        if fact_id:
            outer.set("id", fact_id)
        innermost = outer
        for name, ctx in also:
            inner = make(name, ctx)
            innermost.append(inner)
            innermost = inner
        innermost.text = format_number(shown)
        if not negative:
            return outer
        span = etree.Element(_qn(NS_XHTML, "span"))
        span.set("class", "negative")
        span.text = MINUS_SIGN
        span.append(outer)
        return span

    def non_numeric(self, concept: str, content: str | Sequence[etree._Element], *, context: str,
                    escape: bool = False, format: str | None = None, fact_id: str | None = None) -> etree._Element:
        """A non-numeric fact. ``content`` is text (set as text, so it is escaped) or XHTML
        elements; with ``escape=True`` the markup is part of the value (text blocks)."""
        self._check_qname(concept, "Concept")
        fact = etree.Element(_qn(NS_IX, "nonNumeric"))
        fact.set("name", concept)
        fact.set("contextRef", context)
        if escape:
            fact.set("escape", "true")
        if format:
            fact.set("format", self._check_qname(format, "Format"))
        if fact_id:
            fact.set("id", fact_id)
        if isinstance(content, str):
            fact.text = content
        else:
            for child in content:
                fact.append(child)
        return fact

    def boolean(self, concept: str, value: bool, *, context: str, yes: str = "Yes", no: str = "No") -> etree._Element:
        """A boolean fact shown as a word, through ``ixt:fixed-true`` / ``ixt:fixed-false``."""
        if not isinstance(value, bool):
            raise IxbrlError(f"{concept} needs a bool, got {type(value).__name__}")
        return self.non_numeric(concept, yes if value else no, context=context,
                                format=FIXED_TRUE if value else FIXED_FALSE)

    def enumeration(self, concept: str, members: Iterable[str], *, context: str) -> etree._Element:
        """An Extensible Enumerations 2.0 fact: members as expanded names, space separated,
        in lexicographical order and without repeats (enum2ie:InvalidEnumerationSetOrder)."""
        values = sorted({self.expanded_name(m) for m in members})
        if not values:
            raise IxbrlError(f"{concept} needs at least one member")
        return self.non_numeric(concept, " ".join(values), context=context)

    def hide(self, fact: etree._Element) -> etree._Element:
        """Put a fact in ``ix:hidden``: for values a reader cannot use as shown (enumeration URIs)."""
        self._hidden.append(fact)
        return fact

    # --- output -----------------------------------------------------------------------------------

    def _build_header(self) -> None:
        for old in list(self._header_holder):
            self._header_holder.remove(old)
        header = etree.SubElement(self._header_holder, _qn(NS_IX, "header"))
        if self._hidden:
            hidden = etree.SubElement(header, _qn(NS_IX, "hidden"))
            for fact in self._hidden:
                hidden.append(fact)
        references = etree.SubElement(header, _qn(NS_IX, "references"))
        for href in self.schema_refs:
            ref = etree.SubElement(references, _qn(NS_LINK, "schemaRef"))
            ref.set(_qn(NS_XLINK, "type"), "simple")
            ref.set(_qn(NS_XLINK, "href"), href)
        resources = etree.SubElement(header, _qn(NS_IX, "resources"))
        for ctx in self._contexts.values():
            resources.append(ctx)
        for unit in self._units.values():
            resources.append(unit)
        # Indent only the header: it is element-only content. The body is left as built, since
        # whitespace inserted into mixed content (a nested fact, a text block) would change values.
        etree.indent(header, space=" ", level=2)
        header.tail = "\n"

    def to_bytes(self) -> bytes:
        """The UTF-8 XHTML document with an XML declaration."""
        self._build_header()
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
