# One image for every GridSafe process; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# CJK fonts, so Chinese text in maps, charts and PDFs is drawn rather than boxes; Pango, with
# which WeasyPrint lays out the documents (shared/documents).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, exactly as locked (versions and hashes): this layer is rebuilt only when
# the lock file changes, not on every change of the code.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
RUN pip install --no-deps -e . \
    && useradd --create-home --uid 10001 gridsafe \
    && mkdir -p /data && chown gridsafe /data

USER gridsafe
EXPOSE 8001 8002 8003 8004
CMD ["python", "-m", "uvicorn", "services.registry.app:app", "--host", "0.0.0.0", "--port", "8001"]
