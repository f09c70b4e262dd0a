"""Offline validation of generated files before they are offered for download.

* :func:`arelle_validate` — an Inline XBRL (or XBRL) file against taxonomy packages with Arelle,
  run exactly as ``../shared/reference/VALIDATORS-INDEX.md`` prescribes::

      arelleCmdLine --file X.xhtml --packages <taxonomy.zip> [--packages ...] --workOffline
        --validate --utr --calc c11r --formula none --validationExitCode

  plus ``--logFile <tmp>/arelle-log.json`` (machine-readable messages) in a subprocess whose
  ``HOME`` and ``XDG_CONFIG_HOME`` point at a scratch folder, so Arelle's config and web cache
  never land in the user's home or in the read-only shared reference folder.
* :func:`xsd_validate` — an XML document against an XSD with lxml, network disabled; an OASIS
  XML catalog maps remote schemaLocations to local copies (CBAM, EUDR).
* :func:`esrs_packages` — where the ESRS Set 1 taxonomy packages are on this machine.
* :func:`ixbrl_validator` / :func:`xsd_validator` — the ``OutputFormat.validate`` callables a
  regime's report kind uses (``reports.registry``): bytes in, the run's validation record out.

Nothing here reads Django settings unless asked for the ESRS folder and settings are configured;
paths come in as arguments. The taxonomy zip carries an EFRAG IP licence and is never copied
into the repository: it is read where it lies.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse
from urllib.request import url2pathname

from lxml import etree

ESRS_TAXONOMY_ZIP = "ESRS-Set1-XBRL-Taxonomy.zip"
# The XII country taxonomy the ESRS DTS imports is not in EFRAG's zip nor in Arelle's cache;
# FactorTrace's reference folder holds a constructed stand-in (see its PROVENANCE.md).
XII_COUNTRY_ZIP = "constructed/xii-country-current-PARTIAL.zip"

_ERROR_LEVELS = frozenset({"error", "error-semantic", "assertion-not-satisfied", "inconsistency", "critical", "fatal"})
_WARNING_LEVELS = frozenset({"warning", "warning-semantic"})


@dataclass(frozen=True)
class Message:
    """One validator finding. ``code`` is the validator's message code
    (``utre:error-NumericFactUtrInvalid``, ``calc11e:inconsistentCalculationUsingRounding``, ``xsd``)."""

    level: str
    code: str
    text: str
    line: int | None = None
    href: str | None = None


@dataclass(frozen=True)
class ValidationResult:
    """``ok`` is true only when the validator exited 0 and reported no error."""

    ok: bool
    errors: list[Message]
    warnings: list[Message]
    exit_code: int
    seconds: float
    command: list[str] = field(default_factory=list)

    def codes(self) -> list[str]:
        return [m.code for m in self.errors]


def _arelle_command() -> list[str]:
    # The console script installed next to this interpreter is the command of the index; the
    # module form is the same entry point (arelle.CntlrCmdLine.main) when the script is absent.
    script = Path(sys.executable).with_name("arelleCmdLine")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "arelle.CntlrCmdLine"]


def arelle_validate(path: Path | str, packages: list[Path], *, formula: bool = False, timeout: int = 300,
                    scratch_dir: Path | None = None) -> ValidationResult:
    """Validate ``path`` with Arelle offline against the taxonomy ``packages`` (zip files).

    ``formula=False`` adds ``--formula none`` (XBRL 2.1, Inline XBRL 1.1, Dimensions, UTR and
    Calculations 1.1 with rounding). ``formula=True`` also runs the taxonomy's formula
    linkbase; for ESRS that means EFRAG's completeness assertions, which flag every ESRS 2
    Appendix B datapoint a partial (E1-only) report does not tag.

    ``scratch_dir`` receives Arelle's HOME/config/cache and the JSON log (a temporary folder,
    removed afterwards, when not given). A run that exceeds ``timeout`` seconds is killed and
    reported as an error with code ``factortrace:arelleTimeout``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Nothing to validate at {path}")
    if not packages:
        raise ValueError("Arelle needs at least one taxonomy package to validate offline")
    for package in packages:
        if not Path(package).is_file():
            raise FileNotFoundError(f"Taxonomy package not found: {package}")

    with tempfile.TemporaryDirectory(prefix="arelle-", dir=scratch_dir) as scratch:
        scratch_path = Path(scratch)
        log_file = scratch_path / "arelle-log.json"
        command = [*_arelle_command(), "--file", str(path.resolve())]
        for package in packages:
            command += ["--packages", str(Path(package).resolve())]
        command += ["--workOffline", "--validate", "--utr", "--calc", "c11r"]
        if not formula:
            command += ["--formula", "none"]
        command += ["--validationExitCode", "--logFile", str(log_file), "--logFileMode", "w",
                    "--logLevel", "warning", "--logFormat", "%(message)s"]

        # ARELLE_ARGS would replace the whole command line inside Arelle: never inherit it.
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARELLE_")}
        env.update(HOME=str(scratch_path), XDG_CONFIG_HOME=str(scratch_path / "config"),
                   XDG_CACHE_HOME=str(scratch_path / "cache"), LANG="C.UTF-8", LC_ALL="C.UTF-8")
        started = time.monotonic()
        try:
            completed = subprocess.run(command, cwd=scratch_path, env=env, capture_output=True,
                                       timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            seconds = time.monotonic() - started
            timeout_message = Message("error", "factortrace:arelleTimeout",
                                      f"Arelle did not finish within {timeout} s and was stopped")
            return ValidationResult(False, [timeout_message], [], -1, seconds, command)
        seconds = time.monotonic() - started
        messages = _read_arelle_log(log_file)

    errors = [m for m in messages or [] if m.level in _ERROR_LEVELS]
    warnings = [m for m in messages or [] if m.level in _WARNING_LEVELS]
    if messages is None or (completed.returncode not in (0, 3) and not errors):
        # Arelle itself failed (bad option, crash, no log): say so with the end of its output.
        tail = (completed.stderr or completed.stdout or b"").decode("utf-8", "replace")[-2000:]
        errors.append(Message("error", "factortrace:arelleFailed",
                              f"Arelle exited with {completed.returncode}: {tail.strip()}"))
    return ValidationResult(completed.returncode == 0 and not errors, errors, warnings,
                            completed.returncode, seconds, command)


def _read_arelle_log(log_file: Path) -> list[Message] | None:
    try:
        data = json.loads(log_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    messages = []
    for entry in data.get("log", []):
        refs = entry.get("refs") or [{}]
        line = refs[0].get("sourceLine")
        messages.append(Message(
            level=str(entry.get("level", "")).lower(),
            code=str(entry.get("code", "")),
            text=str((entry.get("message") or {}).get("text", "")).strip(),
            line=int(line) if isinstance(line, (int, str)) and str(line).isdigit() else None,
            href=refs[0].get("href"),
        ))
    return messages


# --- validators for report formats -------------------------------------------------------------


def validation_record(result: ValidationResult, *, max_warnings: int = 20) -> dict:
    """What a report run stores about its validation (shown on the report's page)."""
    return {"ok": result.ok, "validated": True, "seconds": round(result.seconds, 1),
            "errors": [f"[{m.code}] {m.text}" for m in result.errors],
            "warnings": [f"[{m.code}] {m.text}" for m in result.warnings][:max_warnings]}


def ixbrl_validator(packages: Callable[[], list[Path] | None], *, filename: str, missing: str):
    """An ``OutputFormat.validate`` for Inline XBRL: Arelle, offline, against the taxonomy packages
    ``packages()`` finds. Without them the run is recorded as not validated (``missing`` says why):
    a taxonomy under a licence that forbids redistribution may be absent on a self-hosted install."""

    def validate(content: bytes) -> dict:
        found = packages()
        if not found:
            return {"ok": True, "validated": False, "note": missing}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / filename
            path.write_bytes(content)
            return validation_record(arelle_validate(path, found))

    return validate


def xsd_validator(xsd_path: Path | str, catalog: Path | str | None = None):
    """An ``OutputFormat.validate`` for XML against an official XSD (lxml, no network)."""

    def validate(content: bytes) -> dict:
        return validation_record(xsd_validate(content, xsd_path, catalog))

    return validate


# --- ESRS packages -----------------------------------------------------------------------------


def _default_esrs_dir() -> Path:
    # reports/xbrl/validate.py -> the repository -> its sibling shared/ folder
    return Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "esrs-xbrl-taxonomy-2024"


def esrs_packages(taxonomy_dir: Path | str | None = None) -> list[Path] | None:
    """The two packages an ESRS Set 1 validation loads, or None when they are not on this machine.

    The folder is, first found: ``taxonomy_dir``; the environment variable
    ``ESRS_TAXONOMY_DIR``; the Django setting ``ESRS_TAXONOMY_DIR`` (only if settings are
    configured); ``<repo>/../shared/reference/esrs-xbrl-taxonomy-2024``.
    """
    folder = taxonomy_dir or os.environ.get("ESRS_TAXONOMY_DIR") or _setting("ESRS_TAXONOMY_DIR") or _default_esrs_dir()
    folder = Path(folder)
    packages = [folder / ESRS_TAXONOMY_ZIP, folder / XII_COUNTRY_ZIP]
    return packages if all(p.is_file() for p in packages) else None


def _setting(name: str):
    try:
        from django.conf import settings  # noqa: PLC0415 — optional: this module also runs without Django
    except ImportError:
        return None
    return getattr(settings, name, None) if settings.configured else None


# --- XSD --------------------------------------------------------------------------------------


_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


class _CatalogResolver(etree.Resolver):
    """Resolves system ids and URIs through an OASIS XML catalog (``system``, ``uri``,
    ``rewriteSystem``, ``rewriteURI`` entries), relative to the catalog's own location."""

    def __init__(self, catalog: Path):
        super().__init__()
        self.exact: dict[str, str] = {}
        self.rewrites: list[tuple[str, str]] = []
        base = catalog.resolve().as_uri()
        for el in etree.parse(str(catalog)).getroot().iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.removeprefix(_CATALOG_NS)
            if tag == "system" and el.get("systemId") and el.get("uri"):
                self.exact[el.get("systemId")] = urljoin(base, el.get("uri"))
            elif tag == "uri" and el.get("name") and el.get("uri"):
                self.exact[el.get("name")] = urljoin(base, el.get("uri"))
            elif tag in ("rewriteSystem", "rewriteURI"):
                start = el.get("systemIdStartString") or el.get("uriStartString")
                if start and el.get("rewritePrefix"):
                    self.rewrites.append((start, urljoin(base, el.get("rewritePrefix"))))
        # The longest matching prefix wins (XML Catalogs 1.1 §7.2.2).
        self.rewrites.sort(key=lambda item: len(item[0]), reverse=True)

    def lookup(self, url: str) -> str | None:
        if url in self.exact:
            return self.exact[url]
        for start, prefix in self.rewrites:
            if url.startswith(start):
                return prefix + url[len(start):]
        return None

    def resolve(self, url, pubid, context):
        target = self.lookup(url)
        if target is None:
            return None
        parsed = urlparse(target)
        if parsed.scheme == "file":
            return self.resolve_filename(url2pathname(parsed.path), context)
        return self.resolve_filename(target, context)


def xsd_validate(xml_bytes: bytes, xsd_path: Path | str, catalog: Path | str | None = None) -> ValidationResult:
    """Validate ``xml_bytes`` against the schema at ``xsd_path`` with lxml (no network access).

    ``catalog`` is an OASIS XML catalog for imports/includes whose schemaLocation is a URL
    (the files then resolve to local copies). Errors carry the line and libxml2's message;
    a document that is not well-formed XML is an error with code ``xml``.
    """
    started = time.monotonic()
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    if catalog is not None:
        parser.resolvers.add(_CatalogResolver(Path(catalog)))
    schema_doc = etree.parse(str(xsd_path), parser)
    try:
        schema = etree.XMLSchema(schema_doc)
    except etree.XMLSchemaParseError as exc:
        raise ValueError(f"The schema {xsd_path} could not be loaded offline: {exc}") from exc

    errors: list[Message] = []
    try:
        document = etree.fromstring(xml_bytes, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        errors.append(Message("error", "xml", str(exc), line=exc.lineno))
    else:
        if not schema.validate(document):
            for entry in schema.error_log:
                errors.append(Message("error", f"xsd:{entry.type_name}", entry.message, line=entry.line))
    seconds = time.monotonic() - started
    return ValidationResult(not errors, errors, [], 0 if not errors else 1, seconds,
                            ["lxml.etree.XMLSchema", str(xsd_path)])
