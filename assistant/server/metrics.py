"""Prometheus metrics, one registry per app (so tests can build several apps in one process)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import generate_latest as _generate

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "camnang_http_requests",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "camnang_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.answers = Counter(
            "camnang_answers",
            "Answers given, by mode and channel.",
            ["mode", "channel"],
            registry=r,
        )
        self.refusals = Counter(
            "camnang_refusals",
            "Questions the assistant could not answer from the documents.",
            ["channel"],
            registry=r,
        )
        self.feedback = Counter("camnang_feedback", "Feedback received.", ["rating"], registry=r)
        self.ingest_documents = Counter(
            "camnang_ingest_documents",
            "Documents processed by ingest jobs, by outcome.",
            ["outcome"],
            registry=r,
        )
        self.ingest_jobs = Counter(
            "camnang_ingest_jobs",
            "Ingest jobs finished, by kind and status.",
            ["kind", "status"],
            registry=r,
        )
        self.index_documents = Gauge(
            "camnang_index_documents", "Documents in the live index generation.", registry=r
        )
        self.rate_limited = Counter(
            "camnang_rate_limited", "Requests refused by the per-key rate limit.", registry=r
        )

    def render(self) -> bytes:
        return _generate(self.registry)
