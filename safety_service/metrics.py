"""The process's Prometheus instruments, on a registry of each app's own (``GET /metrics`` serves it).

Events are counted where they happen (a request answered, a report taken, a batch committed, a job
run); what the database holds (open hazards, the outbox, kiosks) is read at scrape time by
``api.metrics``. Every label takes a few known values, never an id or a raw path.
"""

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.process_collector import ProcessCollector

PREFIX = "safety"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000)
LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
REPORT_OUTCOMES = ("created", "duplicate", "refused")


class Metrics:
    """The instruments of one app, and the few calls that record into them."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(namespace=PREFIX, registry=registry)
        self.requests = Counter("http_requests", "HTTP requests answered, by route template and status.",
                                ["method", "route", "status"], namespace=PREFIX, registry=registry)
        self.latency = Histogram("http_request_duration_seconds", "Time to answer an HTTP request, by route "
                                 "template.", ["method", "route"], namespace=PREFIX, registry=registry,
                                 buckets=LATENCY_BUCKETS)
        self.reports = Counter("reports", "Hazard reports taken through the one intake path, by channel and "
                               "outcome (created, duplicate, refused).", ["channel", "outcome"],
                               namespace=PREFIX, registry=registry)
        self.batch_size = Histogram("batch_size", "Items per committed batch of a group-commit writer.",
                                    ["writer"], namespace=PREFIX, registry=registry, buckets=BATCH_BUCKETS)
        self.intake_lag = Histogram("mqtt_intake_lag_seconds", "From a kiosk message's delivery to this "
                                    "instance to its commit.", namespace=PREFIX, registry=registry,
                                    buckets=LAG_BUCKETS)
        self.job_runs = Counter("scheduler_job_runs", "Scheduled job runs (failed ones included).", ["job"],
                                namespace=PREFIX, registry=registry)
        self.job_errors = Counter("scheduler_job_errors", "Scheduled job runs that failed.", ["job"],
                                  namespace=PREFIX, registry=registry)
        self.job_duration = Histogram("scheduler_job_duration_seconds", "Time a scheduled job run took.", ["job"],
                                      namespace=PREFIX, registry=registry, buckets=LATENCY_BUCKETS)
        self.job_success = Gauge("scheduler_job_last_success_timestamp_seconds", "When a job last ran without "
                                 "error (Unix time).", ["job"], namespace=PREFIX, registry=registry)

    def report(self, channel: str, *, created: bool, refused: bool = False) -> None:
        """Count one report the intake path answered."""
        outcome = "refused" if refused else "created" if created else "duplicate"
        self.reports.labels(channel, outcome).inc()

    def job_ran(self, job: str, *, seconds: float, failed: bool) -> None:
        """Count one scheduled job run."""
        self.job_runs.labels(job).inc()
        self.job_duration.labels(job).observe(seconds)
        if failed:
            self.job_errors.labels(job).inc()
        else:
            self.job_success.labels(job).set(time.time())
