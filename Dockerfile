FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY . /src
RUN pip install /src \
    && rm -rf /src \
    && useradd --system --create-home --home-dir /app --uid 10001 comments

USER comments
WORKDIR /app
EXPOSE 8000
CMD ["comments", "serve", "--host", "0.0.0.0", "--port", "8000"]
