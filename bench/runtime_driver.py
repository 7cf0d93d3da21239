"""Load driver for bench/runtime.ts (a benchmark, not a test): drives the helpers of a service that
fastdapr generated, imported from the service's own modules, against a real daprd.

Run from the generated service's folder with its virtualenv's python and DAPR_HTTP_PORT set:
    python /path/to/bench/runtime_driver.py '{"op": "read", "client": "shared", ...}'
Prints one JSON line with the figures.

ops:
  read     StateStore.get of one of 100 prepared keys, in a closed loop per worker
  rmw      StateStore.update (read-modify-write under ETag concurrency) of the worker's own
           counter; the counters are checked against the count of updates at the end
  publish  Publisher.publish of `count` events at `rate` per second; the service's handler
           (written by bench/runtime.ts) appends publish-to-handler latencies to `latencyFile`
  invoke   Invoker.invoke of the service's own GET /info through the sidecars, one at a time

clients (read, rmw):
  shared    the generated code as is: one sidecar client for the process (create_dapr_client)
  per-call  the seed note's pattern: a new client (and connection pool) for every call to the
            sidecar, everything else (the helper's logic) unchanged
"""

import asyncio
import json
import os
import sys
import time
import uuid
from typing import Any

sys.path.insert(0, os.getcwd())  # the generated service's `app` package

from app.core.config import Settings  # noqa: E402
from app.models.schemas import BenchPing  # noqa: E402
from app.services.dapr import SidecarResponse, create_dapr_client  # noqa: E402
from app.services.invoke import Invoker  # noqa: E402
from app.services.publisher import Publisher  # noqa: E402
from app.services.state import StateStore  # noqa: E402


class PerCallClient:
    """The seed note's pattern, `async with Client() as client:` around every request."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def request(self, method: str, url: str, **kwargs: Any) -> SidecarResponse:
        async with create_dapr_client(self._settings) as client:
            return await client.request(method, url, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> SidecarResponse:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> SidecarResponse:
        return await self.request("POST", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> SidecarResponse:
        return await self.request("DELETE", url, **kwargs)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[index]


def summary(latencies_s: list[float], elapsed_s: float, errors: int) -> dict[str, Any]:
    values = sorted(v * 1000 for v in latencies_s)
    return {
        "ops": len(values),
        "errors": errors,
        "seconds": round(elapsed_s, 3),
        "rps": round(len(values) / elapsed_s, 1) if elapsed_s > 0 else 0,
        "p50Ms": round(percentile(values, 0.50), 2),
        "p99Ms": round(percentile(values, 0.99), 2),
        "maxMs": round(values[-1], 2) if values else None,
    }


async def closed_loop(cfg: dict[str, Any], store: StateStore, op: str) -> dict[str, Any]:
    concurrency = int(cfg["concurrency"])
    run = uuid.uuid4().hex[:8]
    read_keys = [f"bench-read:{i}" for i in range(100)]
    if op == "read":
        for key in read_keys:
            await store.save(key, {"id": key, "payload": "x" * 200})
    counts = [0] * concurrency

    async def worker(index: int, until: float, record: list[float] | None) -> int:
        errors = 0
        key = f"counter:{run}-{index}"
        i = index
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                if op == "read":
                    await store.get(read_keys[i % len(read_keys)])
                    i += 1
                else:
                    await store.update(key, lambda n: (n or 0) + 1)
                    counts[index] += 1
            except Exception:  # noqa: BLE001 - counted, not fatal
                errors += 1
                continue
            if record is not None:
                record.append(time.perf_counter() - started)
        return errors

    warmup = float(cfg.get("warmupSeconds", 0.5))
    await asyncio.gather(
        *(worker(i, time.perf_counter() + warmup, None) for i in range(concurrency))
    )
    latencies: list[float] = []
    started = time.perf_counter()
    until = started + float(cfg["seconds"])
    errors = sum(await asyncio.gather(*(worker(i, until, latencies) for i in range(concurrency))))
    result = summary(latencies, time.perf_counter() - started, errors)
    if op == "rmw":
        # every successful update is in its counter: no update was lost
        stored = [await store.get_value(f"counter:{run}-{i}") or 0 for i in range(concurrency)]
        result["lostUpdates"] = sum(counts) - sum(stored)
    return result


async def publish(cfg: dict[str, Any], publisher: Publisher) -> dict[str, Any]:
    count, rate, path = int(cfg["count"]), float(cfg["rate"]), str(cfg["latencyFile"])
    run = uuid.uuid4().hex[:8]
    for i in range(count):
        event = BenchPing.model_validate({"id": f"{run}-{i}", "run": run, "sentNs": time.time_ns()})
        await publisher.publish_bench_ping(event)
        await asyncio.sleep(1 / rate)
    deadline = time.monotonic() + float(cfg.get("waitSeconds", 60))
    latencies: list[float] = []
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as lines:
                latencies = [
                    float(record["latencyNs"]) / 1e9
                    for record in map(json.loads, lines)
                    if record["run"] == run
                ]
        if len(latencies) >= count:
            break
        await asyncio.sleep(0.2)
    result = summary(latencies, 1.0, count - min(count, len(latencies)))
    result["published"] = count
    result["received"] = len(latencies)
    del result["rps"], result["seconds"]
    return result


async def invoke(cfg: dict[str, Any], invoker: Invoker) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    for _ in range(int(cfg["count"])):
        started = time.perf_counter()
        try:
            await invoker.invoke(str(cfg["appId"]), "info", http_method="GET")
        except Exception:  # noqa: BLE001 - counted
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
    result = summary(latencies, 1.0, errors)
    del result["rps"], result["seconds"]
    return result


async def main() -> None:
    cfg: dict[str, Any] = json.loads(sys.argv[1])
    settings = Settings()
    async with create_dapr_client(settings) as shared:
        op = cfg["op"]
        if op in ("read", "rmw"):
            client: Any = shared if cfg["client"] == "shared" else PerCallClient(settings)
            result = await closed_loop(cfg, StateStore(client, settings.state_store), op)
        elif op == "publish":
            result = await publish(cfg, Publisher(shared, settings.pubsub_name))
        elif op == "invoke":
            result = await invoke(cfg, Invoker(shared, timeout_seconds=10.0, max_attempts=1))
        else:
            raise SystemExit(f"unknown op {op}")
    print(json.dumps({**cfg, **result}))


asyncio.run(main())
