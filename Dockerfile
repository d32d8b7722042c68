FROM python:3.11-slim
WORKDIR /app
# Tesseract for OCR; Pango and fonts for PDF reports (WeasyPrint)
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-fra \
    tesseract-ocr-eng tesseract-ocr-ara libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY textnorm textnorm
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
RUN pip install --no-cache-dir .
ENV COIDESK_DATA_DIR=/data
EXPOSE 8000
CMD ["coidesk", "serve", "--host", "0.0.0.0", "--port", "8000"]
