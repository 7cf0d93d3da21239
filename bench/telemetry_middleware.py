"""Benchmark (not a test): the server-side telemetry middleware's CPU per request, in-process (no
network, no sidecar), for docs/observability.md: a generated service's ASGI stack with telemetry
off, with the generated RequestTelemetryMiddleware, and with opentelemetry-instrumentation-asgi's
OpenTelemetryMiddleware instead, every span sampled and handed to an exporter that drops it.

Run from a generated service's folder, with the contrib package beside its virtualenv:
    pip install --target /tmp/contrib --no-deps opentelemetry-instrumentation-asgi==0.66b2 \\
        opentelemetry-instrumentation==0.66b2 opentelemetry-util-http==0.66b2 asgiref wrapt
    PYTHONPATH=/tmp/contrib:. .venv/bin/python <fastdapr>/bench/telemetry_middleware.py
"""

import asyncio
import os
import time
from collections.abc import Sequence
from typing import Any

os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = (
    "http://127.0.0.1:9"  # never reached: nothing exports
)

from fastapi import FastAPI  # noqa: E402
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import (  # noqa: E402
    BatchSpanProcessor,
    SpanExporter,
    SpanExportResult,
)

from app.core import telemetry  # noqa: E402
from app.core.request_telemetry import RequestTelemetryMiddleware  # noqa: E402
from app.core.tracing import TraceContextMiddleware  # noqa: E402

REQUESTS = 4000
ROUNDS = 3
SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/items/1",
    "raw_path": b"/items/1",
    "query_string": b"",
    "root_path": "",
    "headers": [
        (b"host", b"localhost"),
        (b"traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
    ],
    "client": ("127.0.0.1", 1),
    "server": ("127.0.0.1", 80),
}


class DropSpans(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def service() -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item}")
    async def item(item: str) -> dict[str, str]:
        return {"item": item}

    return app


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict[str, Any]) -> None:
    pass


async def cpu_us_per_request(app: Any) -> float:
    for _ in range(300):  # warm-up
        await app(dict(SCOPE), receive, send)
    started = time.process_time()
    for _ in range(REQUESTS):
        await app(dict(SCOPE), receive, send)
    return (time.process_time() - started) / REQUESTS * 1e6


async def main() -> None:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(BatchSpanProcessor(DropSpans()))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    off = service()
    off.add_middleware(TraceContextMiddleware)
    generated = service()
    generated.add_middleware(RequestTelemetryMiddleware)
    generated.add_middleware(TraceContextMiddleware)
    contrib = service()
    contrib.add_middleware(TraceContextMiddleware)
    variants = {
        "off": off,
        "generated": generated,
        "contrib-asgi": OpenTelemetryMiddleware(
            contrib, tracer_provider=tracer_provider, meter_provider=meter_provider
        ),
    }
    # what telemetry() sets up in the lifespan, with the providers above
    telemetry._active = telemetry.Telemetry(
        tracer=tracer_provider.get_tracer("app"),
        instruments=telemetry.Instruments(meter_provider.get_meter("app")),
    )
    for number in range(1, ROUNDS + 1):
        cells = [
            f"{name} {await cpu_us_per_request(app):.1f} µs"
            for name, app in variants.items()
        ]
        print(f"round {number}: " + "  ".join(cells), flush=True)
    tracer_provider.shutdown()


asyncio.run(main())
