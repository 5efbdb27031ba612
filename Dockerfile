# Production image for sendco: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 sendco

WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_ENV=production SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /data/documents /app/var && chown sendco /data/documents /app/var

USER sendco
EXPOSE 8000
# Workers, threads and timeouts: gunicorn.conf.py (WEB_WORKERS, WEB_THREADS ...).
CMD ["gunicorn", "sendco.wsgi:application", "--config", "gunicorn.conf.py"]
