"""Application settings, read from the environment (prefix ``COIDESK_``) or ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COIDESK_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    # SQLAlchemy URL of the system of record; default: SQLite file in data_dir.
    database_url: str | None = None
    search_backend: Literal["embedded", "elasticsearch"] = "embedded"
    es_url: AnyHttpUrl | None = None
    es_index_prefix: str = "coidesk"
    es_timeout_s: float = 10.0
    # Credentials and TLS of the engine (production keeps Elasticsearch's security on): an API key of a
    # least-privilege role on coidesk's own indexes, or a user and password; the CA that signed its certificate
    es_api_key: str | None = None
    es_username: str | None = None
    es_password: str | None = None
    es_ca_certs: Path | None = None
    # Import path of an elastic_transport node class; only the tests set it (their OpenSearch server)
    es_node_class: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: Literal["fr", "en"] = "fr"
    page_size: int = Field(default=20, ge=1, le=100)
    # Query limits (threat 8 in SECURITY.md)
    max_query_chars: int = 1000
    max_query_clauses: int = 64
    max_wildcards: int = 4
    # What one query may cost the engine (store/index/query_cost.py); over it: a clear 400
    max_query_cost: int = Field(default=1500, ge=10)
    max_sloppy_phrase_words: int = Field(default=12, ge=2)
    # The server's memory ceiling (address space of data, MiB; 0 = none): one runaway allocation
    # fails that request instead of the machine swapping or the kernel killing the process
    max_memory_mb: int = Field(default=12_288, ge=0)
    max_relevance_depth: int = 10_000
    writer_heap_bytes: int = 128_000_000
    # Accounts and sessions (SECURITY.md: OWASP ASVS level 2)
    cookie_secure: bool = True  # Secure cookies; browsers accept them on http://127.0.0.1 and localhost
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=10, ge=1)
    login_max_failures: int = Field(default=5, ge=1)  # per account, within login_window_minutes, then delays
    login_base_delay_seconds: int = Field(default=15, ge=1)  # first delay after those; doubles each failure
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    password_min_chars: int = Field(default=12, ge=8)
    # The server enriches new and changed documents in the background (spaCy loaded on first need)
    enrich_in_server: bool = True
    # Hybrid search: dense multilingual passage embeddings beside the lexical index (see services/hybrid.py)
    dense_search: bool = True
    embed_in_server: bool = True  # the server embeds new and changed documents in the background
    embed_threads: int = Field(default=2, ge=1, le=64)
    # An ingest job "extracting" for longer than this was left by a crashed process: it is queued again
    job_stale_seconds: int = Field(default=300, ge=0)
    # Physical files
    checkout_days: int = Field(default=14, ge=1)  # a file checked out is due back after this many days
    # Case documents uploaded through the API (issue 3 widens formats)
    max_upload_bytes: int = Field(default=50_000_000, ge=1)
    # Request bodies, checked before they are read: routes that take files, and every other route
    max_request_bytes: int = Field(default=250_000_000, ge=1)
    max_form_bytes: int = Field(default=2_000_000, ge=1024)
    # The research desk's curated lists (thesaurus, countries, actors, places, sources, ...: config/reference.py)
    reference_dir: Path = Path(__file__).resolve().parent
    # Crawlers (issue 4)
    sources_file: Path | None = None  # more registry entries, same format as config/sources.json
    crawl_user_agent: str = "coidesk/0.1 (COI research desk crawler; contact: coi-desk@example.org)"
    crawl_timeout_s: float = Field(default=30.0, gt=0)
    crawl_max_bytes: int = Field(default=100_000_000, ge=1)  # larger responses are dropped
    # Loopback and private addresses are refused (SSRF); a test site or an intranet mirror needs this on
    crawl_allow_private: bool = False
    crawl_schedule: bool = False  # the server runs each source's schedule (daily/weekly)
    # Audit chain: its key file (mode 600, never in the database) and where signed checkpoints are
    # appended outside the database (best on another volume, or set append-only: chattr +a); syslog too
    audit_key_file: Path | None = None  # default: data_dir/audit.key
    audit_checkpoint_dir: Path | None = None  # default: data_dir/audit-checkpoints
    audit_syslog: str | None = None  # e.g. /dev/log
    # Reports: a folder of the research desk's own templates (report.fr.html, report.fr.docx, ...)
    report_templates: Path | None = None
    # Search history, saved searches, alerts, batch search and export (issue 17)
    history_size: int = Field(default=50, ge=1, le=1000)  # the last N searches kept per user
    alerts_in_server: bool = True  # the server matches new documents against followed searches
    # Alert e-mails only when an SMTP host is set; they carry a count and a link to the inbox, nothing else
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "coidesk@localhost"
    mail_address_template: str = "{username}@localhost"  # a user's address from their account name
    public_url: str = "http://127.0.0.1:8000"  # the address links in e-mails point to
    batch_max_queries: int = Field(default=1000, ge=1, le=10_000)
    export_max_rows: int = Field(default=100_000, ge=1)  # the ceiling of one bulk export (set by the admin)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'coidesk.sqlite3').resolve()}"

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoint_dir or self.data_dir / "audit-checkpoints"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
