"""Prometheus metrics, defined once per process."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "gridsafe_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "gridsafe_http_request_seconds", "HTTP request duration", ["service", "method", "route"]
)
