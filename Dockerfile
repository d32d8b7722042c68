FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY store store
COPY analyzers analyzers
COPY ingest ingest
COPY crawlers crawlers
COPY reports reports
COPY services services
COPY search_api search_api
COPY cli cli
COPY demo demo
RUN pip install --no-cache-dir . "psycopg[binary]>=3.1"
ENV COIDESK_DATA_DIR=/data
EXPOSE 8000
CMD ["coidesk", "serve", "--host", "0.0.0.0", "--port", "8000"]
