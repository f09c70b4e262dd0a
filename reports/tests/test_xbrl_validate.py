"""reports.xbrl: the Inline XBRL builder, the Arelle harness and XSD validation.

Pure tests, no database. The Arelle plumbing (options, scratch HOME, log parsing, timeout,
crash) is tested against a stand-in script; one ``slow`` test runs the real Arelle on a
deliberately broken ESRS document and expects its message codes.
"""
from __future__ import annotations

import json
import sys
import textwrap
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree

from reports.xbrl import validate
from reports.xbrl.ixbrl import (
    EUR,
    FALLBACK_SCHEME,
    LEI_SCHEME,
    MWH,
    PURE,
    TCO2E,
    Duration,
    Entity,
    InlineXbrlDocument,
    Instant,
    IxbrlError,
    Unit,
    currency,
    decimals_of,
    format_number,
    lei_is_valid,
    per,
)
from reports.xbrl.validate import Message, arelle_validate, esrs_packages, xsd_validate

IX = "http://www.xbrl.org/2013/inlineXBRL"
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
NS = {"ix": IX, "xbrli": XBRLI, "xbrldi": XBRLDI, "h": "http://www.w3.org/1999/xhtml",
      "link": "http://www.xbrl.org/2003/linkbase"}
ESRS_NS = "https://xbrl.efrag.org/taxonomy/esrs/2023-12-22"
ESRS_ENTRY = "https://xbrl.efrag.org/taxonomy/esrs/2023-12-22/esrs_all.xsd"
LEI = "529900T8BM49AURSDO55"
FY = Duration(date(2024, 1, 1), date(2024, 12, 31))


def new_doc() -> InlineXbrlDocument:
    return InlineXbrlDocument(title="Test", schema_refs=[ESRS_ENTRY], namespaces={"esrs": ESRS_NS})


def parse(doc: InlineXbrlDocument):
    return etree.fromstring(doc.to_bytes())


# --- entity --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lei, valid", [
    (LEI, True),
    ("529900ESRSTESTE1X069", True),
    ("529900T8BM49AURSDO56", False),  # check digits wrong
    ("529900t8bm49aursdo55", False),  # lower case is not the ISO 17442 form
    ("529900T8BM49AURSDO5", False),
    ("", False),
])
def test_lei_check_digits(lei, valid):
    assert lei_is_valid(lei) is valid


def test_entity_uses_the_lei_scheme_or_the_documented_fallback():
    assert Entity.for_undertaking(lei=f" {LEI.lower()} ") == Entity(LEI, LEI_SCHEME)
    assert Entity.for_undertaking(lei=None, local_identifier="acme") == Entity("acme", FALLBACK_SCHEME)
    with pytest.raises(IxbrlError, match="not a valid LEI"):
        Entity.from_lei("529900T8BM49AURSDO56")
    with pytest.raises(IxbrlError, match="An LEI or a local identifier"):
        Entity.for_undertaking(lei=None, local_identifier=" ")


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text, decimals", [
    (D("12345.60"), "12,345.60", 2),
    (D("1234567"), "1,234,567", 0),
    (D("0.000123456"), "0.000123456", 9),
    (D("1.2E+3"), "1,200", -2),
    (D("0"), "0", 0),
])
def test_numbers_keep_every_digit(value, text, decimals):
    assert format_number(value) == text
    assert decimals_of(value) == decimals


def test_floats_are_refused():
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    with pytest.raises(IxbrlError, match="must be a Decimal, got float"):
        doc.non_fraction("esrs:GrossScope1GreenhouseGasEmissions", 0.1, context=ctx, unit=TCO2E)
    with pytest.raises(IxbrlError, match="finite"):
        doc.non_fraction("esrs:GrossScope1GreenhouseGasEmissions", D("NaN"), context=ctx, unit=TCO2E)


def test_a_negative_value_is_a_sign_attribute_with_the_minus_outside_the_tag():
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    wrapper = doc.non_fraction("esrs:NetRevenueOtherThanUsedToCalculateGHGIntensity", D("-1234.5"), context=ctx,
                               unit=EUR)
    fact = wrapper[0]
    assert wrapper.text == "\u2212" and fact.text == "1,234.5"
    assert (fact.get("sign"), fact.get("decimals"), fact.get("scale")) == ("-", "1", None)


def test_negative_zero_has_no_sign():
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    fact = doc.non_fraction("esrs:GrossScope1GreenhouseGasEmissions", D("-0"), context=ctx, unit=TCO2E)
    assert fact.tag == f"{{{IX}}}nonFraction" and fact.get("sign") is None and fact.text == "0"


@pytest.mark.parametrize("value, scale, shown, decimals", [
    (D("0.4250"), -2, "42.50", "4"),  # a percentage
    (D("0.000123456"), -6, "123.456", "9"),  # per million
    (D("12000"), 3, "12.000", "0"),  # in thousands, still exact
    (D("12345"), 0, "12,345", "0"),
])
def test_scale_changes_what_is_shown_not_the_value(value, scale, shown, decimals):
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    fact = doc.non_fraction("esrs:X", value, context=ctx, unit=PURE, scale=scale)
    assert (fact.text, fact.get("decimals"), fact.get("scale", "0")) == (shown, decimals, str(scale))
    assert fact.get("format") == "ixt:num-dot-decimal"
    assert D(fact.text.replace(",", "")).scaleb(scale) == value


def test_nested_facts_share_the_displayed_number():
    doc = new_doc()
    entity = Entity(LEI, LEI_SCHEME)
    ctx = doc.context(entity, FY)
    other = doc.context(entity, FY, explicit={
        "esrs:CurrentlyStatedBaselineMilestonesOrTargetYearsAxis": "esrs:BaselineYearMember"})
    outer = doc.non_fraction("esrs:A", D("15000"), context=ctx, unit=TCO2E, also=[("esrs:B", other)])
    inner = outer[0]
    assert outer.text is None and inner.text == "15,000"
    assert (inner.get("name"), inner.get("contextRef"), inner.get("unitRef"), inner.get("decimals")) == \
        ("esrs:B", other, "tCO2e", "0")


# --- units and contexts ----------------------------------------------------------------------------


def test_units_have_readable_ids_and_divide_form():
    doc = new_doc()
    assert [doc.unit(u) for u in (TCO2E, MWH, PURE, EUR, per(TCO2E, EUR))] == [
        "tCO2e", "MWh", "pure", "EUR", "tCO2e_per_EUR"]
    assert doc.unit(per(TCO2E, currency("EUR"))) == "tCO2e_per_EUR"  # created once
    root = parse(doc)
    units = root.findall(".//xbrli:unit", NS)
    assert len(units) == 5
    divide = root.find(".//xbrli:unit[@id='tCO2e_per_EUR']/xbrli:divide", NS)
    assert divide.findtext("xbrli:unitNumerator/xbrli:measure", namespaces=NS) == "utr:tCO2e"
    assert divide.findtext("xbrli:unitDenominator/xbrli:measure", namespaces=NS) == "iso4217:EUR"


@pytest.mark.parametrize("make, message", [
    (lambda: currency("euro"), "ISO 4217"),
    (lambda: Unit(()), "at least one measure"),
    (lambda: Unit(("tCO2e",)), "prefixed QName"),
    (lambda: per(per(TCO2E, EUR), EUR), "two simple units"),
])
def test_bad_units_are_refused(make, message):
    with pytest.raises(IxbrlError, match=message):
        make()


def test_contexts_are_created_once_with_members_in_dimension_order():
    doc = new_doc()
    entity = Entity(LEI, LEI_SCHEME)
    dims = {"esrs:ZAxis": "esrs:ZMember", "esrs:AAxis": "esrs:AMember"}
    typed = {"esrs:IdentifierOfTargetTypedAxis": ("esrs:LIT", "T-1")}
    first = doc.context(entity, FY, explicit=dims, typed=typed, id="FY2024_t")
    again = doc.context(entity, FY, explicit=dict(reversed(list(dims.items()))), typed=typed)
    assert first == again == "FY2024_t"
    plain = doc.context(entity, FY, id="FY2024_t")  # id wish taken: a suffix is added
    assert plain == "FY2024_t_2"
    instant = doc.context(entity, Instant(date(2024, 12, 31)))
    root = parse(doc)
    scenario = root.find(".//xbrli:context[@id='FY2024_t']/xbrli:scenario", NS)
    assert [m.get("dimension") for m in scenario] == ["esrs:AAxis", "esrs:IdentifierOfTargetTypedAxis", "esrs:ZAxis"]
    typed_member = scenario.find("xbrldi:typedMember", NS)
    assert typed_member[0].tag == f"{{{ESRS_NS}}}LIT" and typed_member[0].text == "T-1"
    assert root.findtext(f".//xbrli:context[@id='{instant}']//xbrli:instant", namespaces=NS) == "2024-12-31"
    assert root.find(".//xbrli:context[@id='FY2024_t_2']/xbrli:scenario", NS) is None


def test_qnames_need_a_declared_prefix_and_a_dimension_is_explicit_or_typed():
    doc = new_doc()
    entity = Entity(LEI, LEI_SCHEME)
    with pytest.raises(IxbrlError, match="declared prefix"):
        doc.context(entity, FY, explicit={"ifrs:Axis": "esrs:Member"})
    with pytest.raises(IxbrlError, match="both explicit and typed"):
        doc.context(entity, FY, explicit={"esrs:A": "esrs:M"}, typed={"esrs:A": ("esrs:LIT", "x")})
    ctx = doc.context(entity, FY)
    with pytest.raises(IxbrlError, match="declared prefix"):
        doc.non_numeric("GrossScope1", "x", context=ctx)
    with pytest.raises(IxbrlError, match="before it starts"):
        Duration(date(2024, 12, 31), date(2024, 1, 1))


# --- non-numeric facts and the header ----------------------------------------------------------------


def test_enumerations_are_expanded_names_sorted_without_repeats_and_hidden():
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    members = ["esrs:Category15InvestmentsMember", "esrs:Category1PurchasedGoodsAndServicesMember",
               "esrs:Category15InvestmentsMember"]
    fact = doc.hide(doc.enumeration("esrs:List", members, context=ctx))
    assert fact.text == f"{ESRS_NS}#Category15InvestmentsMember {ESRS_NS}#Category1PurchasedGoodsAndServicesMember"
    header = parse(doc).find(".//ix:header", NS)
    # Inline XBRL 1.1 schema order: hidden, references, resources
    assert [etree.QName(child).localname for child in header] == ["hidden", "references", "resources"]
    assert header.find("ix:hidden/ix:nonNumeric", NS).get("name") == "esrs:List"
    with pytest.raises(IxbrlError, match="at least one member"):
        doc.enumeration("esrs:List", [], context=ctx)


def test_booleans_use_the_fixed_transforms():
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    yes, no = doc.boolean("esrs:Flag", True, context=ctx), doc.boolean("esrs:Flag", False, context=ctx)
    assert (yes.get("format"), yes.text) == ("ixt:fixed-true", "Yes")
    assert (no.get("format"), no.text) == ("ixt:fixed-false", "No")
    with pytest.raises(IxbrlError, match="needs a bool"):
        doc.boolean("esrs:Flag", "yes", context=ctx)


def test_text_is_escaped_and_xhtml_content_is_an_escaped_text_block():
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
    hostile = '<b onclick="x">Tom & "Jerry"</b> ]]>'
    doc.body.append(doc.non_numeric("esrs:Name", hostile, context=ctx))
    paragraph = etree.Element("{http://www.w3.org/1999/xhtml}p")
    paragraph.text = "Method & <assumptions>"
    doc.body.append(doc.non_numeric("esrs:Block", [paragraph], context=ctx, escape=True))
    root = parse(doc)
    name, block = root.findall(".//h:body/ix:nonNumeric", NS)
    assert name.text == hostile and name.get("escape") is None and not len(name)
    assert block.get("escape") == "true" and block[0].text == "Method & <assumptions>"
    assert root.find(".//h:b", NS) is None


def test_the_same_calls_give_the_same_bytes_and_to_bytes_repeats():
    def build():
        doc = new_doc()
        ctx = doc.context(Entity(LEI, LEI_SCHEME), FY)
        doc.body.append(doc.non_fraction("esrs:GrossScope1GreenhouseGasEmissions", D("1"), context=ctx, unit=TCO2E))
        doc.hide(doc.enumeration("esrs:List", ["esrs:M"], context=ctx))
        return doc

    doc = build()
    once = doc.to_bytes()
    assert doc.to_bytes() == once == build().to_bytes()
    assert once.count(b"<ix:header>") == 1


def test_a_document_needs_a_schema_ref():
    with pytest.raises(IxbrlError, match="schemaRef"):
        InlineXbrlDocument(title="x", schema_refs=[])


# --- the Arelle harness, against a stand-in ---------------------------------------------------------

FAKE_ARELLE = textwrap.dedent("""
    import json, os, sys, time
    argv = sys.argv[1:]
    mode = os.environ["FAKE_ARELLE_MODE"]
    with open(os.environ["FAKE_ARELLE_RECORD"], "w") as record:
        json.dump({"argv": argv, "cwd": os.getcwd(), "env": {k: os.environ.get(k) for k in
                   ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ARELLE_ARGS")}}, record)
    if mode == "sleep":
        time.sleep(30)
    if mode == "crash":
        sys.stderr.write("Traceback: boom")
        sys.exit(2)
    log = argv[argv.index("--logFile") + 1]
    entries = [{"code": "info", "level": "info", "message": {"text": "loaded"}}]
    if mode == "findings":
        entries += [
            {"code": "utre:error-NumericFactUtrInvalid", "level": "error",
             "refs": [{"href": "x.xhtml#f1", "sourceLine": 47}],
             "message": {"text": "Unit EUR disallowed on fact esrs:GrossScope1GreenhouseGasEmissions"}},
            {"code": "calc11e:inconsistentCalculationUsingRounding", "level": "inconsistency", "refs": [{}],
             "message": {"text": "Calculation inconsistent"}},
            {"code": "message:ea_eu_tags_outside_MA_1", "level": "warning", "message": {"text": "outside"}},
        ]
    with open(log, "w") as out:
        json.dump({"log": entries}, out)
    sys.exit(3 if mode == "findings" else 0)
""")


@pytest.fixture
def fake_arelle(tmp_path, monkeypatch):
    script = tmp_path / "fake_arelle.py"
    script.write_text(FAKE_ARELLE)
    record = tmp_path / "record.json"
    monkeypatch.setattr(validate, "_arelle_command", lambda: [sys.executable, str(script)])
    monkeypatch.setenv("FAKE_ARELLE_RECORD", str(record))
    monkeypatch.setenv("ARELLE_ARGS", "--about")  # must never reach Arelle
    document = tmp_path / "report.xhtml"
    document.write_text("<html/>")
    packages = [tmp_path / "a.zip", tmp_path / "b.zip"]
    for package in packages:
        package.write_bytes(b"PK")

    def run(mode, **kwargs):
        monkeypatch.setenv("FAKE_ARELLE_MODE", mode)
        result = arelle_validate(document, packages, scratch_dir=tmp_path, **kwargs)
        seen = json.loads(record.read_text()) if record.exists() else None
        return result, seen

    run.document, run.packages = document, packages
    return run


def test_arelle_runs_offline_with_the_index_options_in_a_scratch_home(fake_arelle, tmp_path):
    result, seen = fake_arelle("clean")
    argv = seen["argv"]
    assert argv[:2] == ["--file", str(fake_arelle.document.resolve())]
    assert argv[2:6] == ["--packages", str(fake_arelle.packages[0]), "--packages", str(fake_arelle.packages[1])]
    joined = " ".join(argv)
    for option in ("--workOffline", "--validate", "--utr", "--calc c11r", "--formula none", "--validationExitCode"):
        assert option in joined
    assert argv[argv.index("--logFile") + 1].endswith(".json")
    home = Path(seen["env"]["HOME"])
    assert home.parent == tmp_path and Path(seen["cwd"]) == home
    assert Path(seen["env"]["XDG_CONFIG_HOME"]).parent == home and Path(seen["env"]["XDG_CACHE_HOME"]).parent == home
    assert seen["env"]["ARELLE_ARGS"] is None
    assert not home.exists()  # the scratch folder is removed afterwards
    assert result.ok and result.exit_code == 0 and result.errors == [] and result.warnings == []
    assert result.command[-len(argv):] == argv


def test_arelle_findings_are_sorted_into_errors_and_warnings(fake_arelle):
    result, _ = fake_arelle("findings")
    assert not result.ok and result.exit_code == 3
    assert result.codes() == ["utre:error-NumericFactUtrInvalid", "calc11e:inconsistentCalculationUsingRounding"]
    assert result.errors[0] == Message("error", "utre:error-NumericFactUtrInvalid",
                                       "Unit EUR disallowed on fact esrs:GrossScope1GreenhouseGasEmissions",
                                       line=47, href="x.xhtml#f1")
    assert [w.code for w in result.warnings] == ["message:ea_eu_tags_outside_MA_1"]


def test_formula_true_runs_the_taxonomy_formulas(fake_arelle):
    _, seen = fake_arelle("clean", formula=True)
    assert "--formula" not in seen["argv"]


def test_a_run_past_the_timeout_is_stopped_and_reported(fake_arelle):
    result, _ = fake_arelle("sleep", timeout=1)
    assert not result.ok and result.codes() == ["factortrace:arelleTimeout"] and result.seconds < 20


def test_a_crash_without_log_is_an_error_with_arelles_output(fake_arelle):
    result, _ = fake_arelle("crash")
    assert not result.ok and result.exit_code == 2
    assert result.codes() == ["factortrace:arelleFailed"] and "boom" in result.errors[0].text


def test_missing_inputs_are_refused_before_running(tmp_path, fake_arelle):
    with pytest.raises(FileNotFoundError, match="Nothing to validate"):
        arelle_validate(tmp_path / "missing.xhtml", fake_arelle.packages)
    with pytest.raises(ValueError, match="at least one taxonomy package"):
        arelle_validate(fake_arelle.document, [])
    with pytest.raises(FileNotFoundError, match="Taxonomy package not found"):
        arelle_validate(fake_arelle.document, [tmp_path / "nope.zip"])


# --- ESRS packages --------------------------------------------------------------------------------


def make_taxonomy_dir(folder: Path) -> Path:
    (folder / "constructed").mkdir(parents=True)
    (folder / "ESRS-Set1-XBRL-Taxonomy.zip").write_bytes(b"PK")
    (folder / "constructed" / "xii-country-current-PARTIAL.zip").write_bytes(b"PK")
    return folder


def test_esrs_packages_from_argument_environment_or_none(tmp_path, monkeypatch):
    given = make_taxonomy_dir(tmp_path / "given")
    from_env = make_taxonomy_dir(tmp_path / "env")
    monkeypatch.setenv("ESRS_TAXONOMY_DIR", str(from_env))
    assert esrs_packages() == [from_env / "ESRS-Set1-XBRL-Taxonomy.zip",
                               from_env / "constructed" / "xii-country-current-PARTIAL.zip"]
    assert esrs_packages(given)[0] == given / "ESRS-Set1-XBRL-Taxonomy.zip"
    (from_env / "constructed" / "xii-country-current-PARTIAL.zip").unlink()
    assert esrs_packages() is None
    assert esrs_packages(tmp_path / "nowhere") is None


def test_the_default_folder_is_the_shared_reference_next_to_the_repository():
    repo = Path(validate.__file__).resolve().parents[2]
    assert validate._default_esrs_dir() == repo.parent / "shared" / "reference" / "esrs-xbrl-taxonomy-2024"


# --- XSD ------------------------------------------------------------------------------------------

XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:test:types" targetNamespace="urn:test:report"
           elementFormDefault="qualified">
  <xs:import namespace="urn:test:types" schemaLocation="{location}"/>
  <xs:element name="report">
    <xs:complexType><xs:sequence>
      <xs:element name="country" type="t:Country"/>
      <xs:element name="mass" type="xs:decimal"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
"""
TYPES_XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:types">
  <xs:simpleType name="Country">
    <xs:restriction base="xs:string"><xs:pattern value="[A-Z]{2}"/></xs:restriction>
  </xs:simpleType>
</xs:schema>
"""
REMOTE = "https://schemas.example.invalid/v1/types.xsd"


def report_xml(country: str, mass: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<report xmlns="urn:test:report">\n  <country>{country}</country>\n'
            f'  <mass>{mass}</mass>\n</report>\n').encode()


@pytest.fixture
def schema(tmp_path):
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "types.xsd").write_text(TYPES_XSD)
    xsd = tmp_path / "report.xsd"
    xsd.write_text(XSD.format(location=REMOTE))
    return xsd


@pytest.mark.parametrize("entry", [
    f'<system systemId="{REMOTE}" uri="local/types.xsd"/>',
    '<rewriteSystem systemIdStartString="https://schemas.example.invalid/v1/" rewritePrefix="local/"/>',
])
def test_xsd_validation_resolves_remote_imports_through_a_catalog(tmp_path, schema, entry):
    catalog = tmp_path / "catalog.xml"
    catalog.write_text(f'<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">{entry}</catalog>')
    assert xsd_validate(report_xml("DE", "12.5"), schema, catalog).ok

    result = xsd_validate(report_xml("Germany", "lots"), schema, catalog)
    assert not result.ok and result.exit_code == 1
    assert [(m.line, m.code) for m in result.errors] == [(3, "xsd:SCHEMAV_CVC_PATTERN_VALID"),
                                                         (4, "xsd:SCHEMAV_CVC_DATATYPE_VALID_1_2_1")]
    assert "Germany" in result.errors[0].text


def test_xsd_validation_never_fetches_from_the_network(schema):
    with pytest.raises(ValueError, match="could not be loaded offline"):
        xsd_validate(report_xml("DE", "1"), schema)


def test_xml_that_is_not_well_formed_is_an_error(tmp_path):
    xsd = tmp_path / "types.xsd"
    xsd.write_text(TYPES_XSD)
    result = xsd_validate(b"<report><unclosed></report>", xsd)
    assert not result.ok and result.codes() == ["xml"] and result.errors[0].line == 1


# --- report-format validators (OutputFormat.validate) ---------------------------------------------


def test_ixbrl_validator_records_arelles_findings(fake_arelle, monkeypatch):
    monkeypatch.setenv("FAKE_ARELLE_MODE", "findings")
    check = validate.ixbrl_validator(lambda: fake_arelle.packages, filename="e1.xhtml", missing="not here")
    record = check(b"<html/>")
    assert record["ok"] is False and record["validated"] is True
    assert record["errors"] and all(line.startswith("[") for line in record["errors"])


def test_ixbrl_validator_without_packages_says_it_did_not_validate():
    check = validate.ixbrl_validator(lambda: None, filename="e1.xhtml", missing="Taxonomy not configured.")
    assert check(b"<html/>") == {"ok": True, "validated": False, "note": "Taxonomy not configured."}


def test_xsd_validator_records_each_error_with_its_code(tmp_path):
    xsd = tmp_path / "types.xsd"
    xsd.write_text(TYPES_XSD)
    record = validate.xsd_validator(xsd)(b"<report><unclosed></report>")
    assert record["ok"] is False and record["validated"] is True and record["errors"][0].startswith("[xml]")


# --- the real Arelle --------------------------------------------------------------------------------


@pytest.mark.slow
def test_arelle_reports_a_wrong_unit_and_an_inconsistent_total_with_their_codes(tmp_path):
    packages = esrs_packages()
    assert packages, "ESRS taxonomy packages not found: set ESRS_TAXONOMY_DIR to the esrs-xbrl-taxonomy-2024 folder"
    doc = new_doc()
    ctx = doc.context(Entity(LEI, LEI_SCHEME), FY, id="FY2024")
    for concept, value, unit in (
        ("esrs:GrossScope1GreenhouseGasEmissions", D("1000"), EUR),  # GHG emissions in euro
        ("esrs:GrossLocationBasedScope2GreenhouseGasEmissions", D("200"), TCO2E),
        ("esrs:GrossScope3GreenhouseGasEmissions", D("300"), TCO2E),
        ("esrs:LocationBasedGreenhouseGasEmissions", D("999"), TCO2E),  # not 200 + 300
    ):
        doc.element(doc.body, "p").append(doc.non_fraction(concept, value, context=ctx, unit=unit))
    path = tmp_path / "broken.xhtml"
    path.write_bytes(doc.to_bytes())

    result = arelle_validate(path, packages, scratch_dir=tmp_path)

    assert not result.ok and result.exit_code == 3
    assert sorted(result.codes()) == ["calc11e:inconsistentCalculationUsingRounding",
                                      "utre:error-NumericFactUtrInvalid"]
    unit_error = next(m for m in result.errors if m.code == "utre:error-NumericFactUtrInvalid")
    assert "GrossScope1GreenhouseGasEmissions" in unit_error.text and unit_error.line
