# One image, three process types: `web` (the default), `worker`, `beat`
# (and `migrate`, the release step). See README "Deploy".
#
# The build steps are deploy/build.py's, the same the test suite runs
# (tests/deploy/test_build.py), so what is tested is what is shipped.

# --- build: packages into a virtualenv, translations and static files ------
FROM python:3.13-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY deploy/build.py deploy/build.py
RUN python deploy/build.py requirements > /tmp/requirements.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt -c requirements.lock
COPY . .
RUN /opt/venv/bin/python deploy/build.py assets

# --- final: the virtualenv and the app, no compilers, no gettext, not root --
FROM python:3.13-slim-bookworm AS final
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app \
    && mkdir -p /data/media /data/local \
    && chown app:app /data/media /data/local
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DEBUG=false \
    PORT=8000 \
    MEDIA_ROOT=/data/media \
    LOCAL_DIR=/data/local
WORKDIR /app
USER app
EXPOSE 8000
ENTRYPOINT ["python", "deploy/processes.py"]
CMD ["web"]
