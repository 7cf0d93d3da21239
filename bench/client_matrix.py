"""HTTP clients for the sidecar, side by side, on the generated code's access pattern (a benchmark,
not a test; driven by bench/runtime.ts).

One process per cell: `python client_matrix.py '{"client": "aiohttp", "concurrency": 32, ...}'`
with DAPR_HTTP_PORT set. Each worker, in a closed loop, reads one of 100 prepared state keys the way
StateStore.get does: GET /v1.0/state/{store}/{key} with the trace headers, the whole body read and
parsed as JSON, the ETag header read. Prints one JSON line: rps, p50/p99 in ms, and the process's CPU
time per call (user + system, the event loop included), which is what the client costs the service.

clients:
  httpx          httpx.AsyncClient (what generated services used before aiohttp)
  httpx2         httpx2.AsyncClient (pydantic's fork of httpx; openai 3 depends on it)
  httpx-aiohttp  httpx's API over aiohttp's transport (httpx_aiohttp.AiohttpTransport)
  aiohttp        a bare aiohttp.ClientSession
  dapr-grpc      the Dapr Python SDK's asyncio gRPC client (dapr.aio.clients.DaprClient), with
                 DAPR_GRPC_PORT set
  generated      the generated SidecarClient + StateStore (needs the service's folder as cwd)
"""

import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

Reader = Callable[[str], Awaitable[tuple[Any, str | None]]]
HEADERS = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[index]


async def open_reader(name: str, base: str, store: str) -> tuple[Reader, Callable[[], Awaitable[None]]]:
    if name in ("httpx", "httpx2", "httpx-aiohttp"):
        if name == "httpx2":
            import httpx2 as lib
        else:
            import httpx as lib
        kwargs: dict[str, Any] = {}
        if name == "httpx-aiohttp":
            from httpx_aiohttp import AiohttpTransport

            kwargs["transport"] = AiohttpTransport()
        client = lib.AsyncClient(base_url=base, timeout=lib.Timeout(5.0, connect=2.0), **kwargs)

        async def read(key: str) -> tuple[Any, str | None]:
            r = await client.get(f"/v1.0/state/{store}/{key}", headers=HEADERS)
            return r.json(), r.headers.get("etag")

        return read, client.aclose
    if name == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5.0, connect=2.0))

        async def read(key: str) -> tuple[Any, str | None]:
            async with session.get(f"{base}/v1.0/state/{store}/{key}", headers=HEADERS) as r:
                return json.loads(await r.read()), r.headers.get("etag")

        return read, session.close
    if name == "dapr-grpc":
        from dapr.aio.clients import DaprClient

        dapr = DaprClient(address=f"127.0.0.1:{os.environ['DAPR_GRPC_PORT']}")

        async def read(key: str) -> tuple[Any, str | None]:
            # no trace metadata: the SDK deprecates passing it per call
            r = await dapr.get_state(store, key)
            return json.loads(r.data), r.etag

        return read, dapr.close
    if name == "generated":
        sys.path.insert(0, os.getcwd())
        from app.core.config import Settings
        from app.core.tracing import TraceContext, set_trace
        from app.services.dapr import create_dapr_client
        from app.services.state import StateStore

        set_trace(TraceContext(traceparent=HEADERS["traceparent"]))
        opened = create_dapr_client(Settings())
        state = StateStore(await opened.__aenter__(), store)

        async def read(key: str) -> tuple[Any, str | None]:
            entry = await state.get(key)
            assert entry is not None
            return entry.value, entry.etag

        async def close() -> None:
            await opened.__aexit__(None, None, None)

        return read, close
    raise SystemExit(f"unknown client {name}")


async def main() -> None:
    cfg: dict[str, Any] = json.loads(sys.argv[1])
    base = f"http://127.0.0.1:{os.environ['DAPR_HTTP_PORT']}"
    store = str(cfg.get("store", "state-store"))
    keys = [f"bench-read:{i}" for i in range(100)]
    read, close = await open_reader(str(cfg["client"]), base, store)
    concurrency = int(cfg["concurrency"])

    async def worker(index: int, until: float, record: list[float] | None) -> int:
        errors, i = 0, index
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                await read(keys[i % len(keys)])
            except Exception:  # noqa: BLE001 - counted
                errors += 1
                continue
            finally:
                i += 1
            if record is not None:
                record.append(time.perf_counter() - started)
        return errors

    warmup = time.perf_counter() + float(cfg.get("warmupSeconds", 0.5))
    await asyncio.gather(*(worker(i, warmup, None) for i in range(concurrency)))
    latencies: list[float] = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    until = wall0 + float(cfg["seconds"])
    errors = sum(await asyncio.gather(*(worker(i, until, latencies) for i in range(concurrency))))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    await close()
    values = sorted(v * 1000 for v in latencies)
    print(
        json.dumps(
            {
                **cfg,
                "ops": len(values),
                "errors": errors,
                "rps": round(len(values) / wall, 1),
                "cpuMsPerCall": round(cpu * 1000 / max(1, len(values)), 3),
                "p50Ms": round(percentile(values, 0.5), 2),
                "p99Ms": round(percentile(values, 0.99), 2),
            }
        )
    )


if __name__ == "__main__":
    if os.environ.get("BENCH_LOOP") == "uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())
