# The widget's bundle (widget/build.mjs, esbuild from npm): node builds it, the service
# serves it; without it the service would serve the widget's modules as they are.
FROM node:20-slim AS widget
WORKDIR /widget
COPY widget/package.json widget/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY widget/ ./
RUN node build.mjs

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY . /src
COPY --from=widget /widget/dist /src/widget/dist
RUN pip install /src \
    && rm -rf /src \
    && useradd --system --create-home --home-dir /app --uid 10001 comments

USER comments
WORKDIR /app
EXPOSE 8000
CMD ["comments", "serve", "--host", "0.0.0.0", "--port", "8000"]
