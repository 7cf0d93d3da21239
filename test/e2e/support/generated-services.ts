// Support for test/e2e/generated-services.test.ts: two services made through the same path as
// `fastdapr new` (buildServiceModel + renderServiceTree), the user-owned files a user would write
// (routes, handlers), and the generated Dapr component files re-pointed at the harness servers.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { buildServiceModel, type ServiceOptions, type TopicInput } from "../../../src/model/build-service.js";
import { renderServiceTree } from "../../../src/commands/new.js";
import { writeTreeTo } from "../../support/write-tree.js";

const root = join(import.meta.dirname, "..", "..", "..");

export const A = "orders-a";
export const B = "orders-b";
export const PLACED = "orders.placed";
export const AUDIT = "orders.audit";

/** a closed payload model: a wrong type or a non-object fails validation */
const placed: TopicInput = {
  name: PLACED,
  payload: {
    className: "OrderPlaced",
    description: "An order was placed.",
    open: false,
    fields: [
      { name: "order_id", alias: "orderId", pyType: "str", required: true, description: "The order.", defaultRepr: null, example: '"example"' },
      { name: "qty", alias: null, pyType: "int", required: true, description: null, defaultRepr: null, example: "1" },
      { name: "note", alias: null, pyType: "str | None", required: false, description: null, defaultRepr: "None", example: "None" },
      // test knob: the handler answers RETRY this many times before it succeeds
      { name: "fail_times", alias: "failTimes", pyType: "int", required: false, description: null, defaultRepr: "0", example: "0" },
    ],
  },
};

export const SERVICE_A: ServiceOptions = {
  name: A,
  tier: "standard",
  publishes: [placed, AUDIT],
  stateKeys: ["order:{id}"],
  invokes: [B],
};

export const SERVICE_B: ServiceOptions = {
  name: B,
  tier: "standard",
  subscribes: [placed, AUDIT],
  stateKeys: ["received:{order_id}", "attempts:{order_id}"],
};

// ------------------------------------------------------------------ user-owned files
const A_ROUTES = `"""orders-a routes written by the e2e suite (a user's file)."""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import RootModel

from app.api.deps import InvokerDep, PublisherDep
from app.models import schemas
from app.services.invoke import ORDERS_B, InvocationError

router = APIRouter(tags=["orders-a"])


@router.post("/orders", status_code=202)
async def place(order: schemas.OrderPlaced, publisher: PublisherDep) -> dict[str, Any]:
    await publisher.publish_orders_placed(order)
    return {"published": order.order_id}


@router.post("/raw/{topic}", status_code=202)
async def raw(topic: str, body: Annotated[Any, Body()], publisher: PublisherDep) -> dict[str, Any]:
    # publishes any JSON (even a non-object) through the generated publisher
    await publisher.publish(topic, RootModel[Any](body))
    return {"published": topic}


@router.get("/call/{app_id}/{method:path}")
async def call(app_id: str, method: str, invoker: InvokerDep, verb: str = "GET") -> dict[str, Any]:
    target = ORDERS_B if app_id == "b" else app_id
    started = time.monotonic()
    try:
        answer = await invoker.invoke(target, method, http_method=verb)
    except InvocationError as exc:
        return {
            "error": type(exc).__name__,
            "status": exc.status,
            "code": exc.error_code,
            "message": exc.message,
            "seconds": time.monotonic() - started,
        }
    return {"answer": answer, "seconds": time.monotonic() - started}
`;

const B_ROUTES = `"""orders-b routes written by the e2e suite (a user's file)."""

from typing import Any

from fastapi import APIRouter, HTTPException

router = APIRouter(tags=["orders-b"])

calls: dict[str, int] = {}


@router.get("/info")
async def info() -> dict[str, str]:
    return {"service": "orders-b"}


@router.get("/items/{item_id}")
async def item(item_id: str) -> dict[str, Any]:
    calls[item_id] = calls.get(item_id, 0) + 1
    if item_id == "missing":
        raise HTTPException(status_code=404, detail="no such item")
    if item_id == "down":
        raise HTTPException(status_code=503, detail="try later")
    return {"id": item_id, "calls": calls[item_id]}


@router.get("/calls")
async def calls_made() -> dict[str, int]:
    return calls
`;

const B_PLACED_HANDLER = `"""orders.placed handler written by the e2e suite (a user's file)."""

from app.models.keys import attempts_key, received_key
from app.models.schemas import OrderPlaced
from app.services.pubsub import EventContext, RetryLater


async def handle(event: OrderPlaced, ctx: EventContext) -> None:
    attempts = await ctx.state.update(attempts_key(event.order_id), lambda n: (n or 0) + 1)
    if attempts <= event.fail_times:
        raise RetryLater(f"attempt {attempts} of {event.order_id}")
    await ctx.state.save(
        received_key(event.order_id),
        {
            "payload": event.model_dump(mode="json", by_alias=True),
            "model": type(event).__name__,
            "qty_is_int": isinstance(event.qty, int),
            "attempts": attempts,
            "event_id": ctx.event_id,
            "topic": ctx.topic,
            "pubsub": ctx.pubsub_name,
            "source": ctx.source,
        },
    )
`;

const B_AUDIT_HANDLER = `"""orders.audit handler written by the e2e suite (a user's file)."""

from app.models.schemas import OrdersAudit
from app.services.pubsub import EventContext


async def handle(event: OrdersAudit, ctx: EventContext) -> None:
    extra = event.model_dump()
    await ctx.state.save(f"audit:{extra.get('id')}", {"payload": extra, "source": ctx.source})
`;

/** TTL expiry against the real sidecar named by DAPR_CONTRACT_* (run only by the e2e suite) */
const TTL_TEST = `"""TTL expiry on the real state store (written by the e2e suite)."""

import asyncio
import os
import uuid

from pydantic import SecretStr

from app.core.config import Settings
from app.services.dapr import create_dapr_client
from app.services.state import StateStore


async def test_ttl_expires() -> None:
    token = os.environ.get("DAPR_API_TOKEN")
    settings = Settings(
        _env_file=None,
        dapr_http_port=int(os.environ["DAPR_CONTRACT_HTTP_PORT"]),
        dapr_api_token=SecretStr(token) if token else None,
        dapr_timeout_seconds=10.0,
    )
    async with create_dapr_client(settings) as client:
        state = StateStore(client, os.environ["DAPR_CONTRACT_STATE_STORE"])
        key = f"ttl-{uuid.uuid4().hex}"
        await state.save(key, {"short": "lived"}, ttl_seconds=1)
        assert await state.get_value(key) == {"short": "lived"}
        for _ in range(50):
            await asyncio.sleep(0.2)
            if await state.get(key) is None:
                break
        assert await state.get(key) is None
        await state.save(key, "kept", ttl_seconds=60)
        await asyncio.sleep(1.5)
        assert await state.get_value(key) == "kept"
        await state.delete(key)
`;

export interface GeneratedServices {
  dir: string;
  a: string;
  b: string;
  python: string;
  cleanup(): void;
}

function render(options: ServiceOptions, out: string): string {
  const tree = renderServiceTree(buildServiceModel(options));
  const dir = join(out, options.name);
  writeTreeTo(tree, dir);
  return dir;
}

/** render A and B into a temp folder and write the user-owned files */
export function generateServices(): GeneratedServices {
  const dir = mkdtempSync(join(tmpdir(), "fastdapr-e2e-services-"));
  const a = render(SERVICE_A, dir);
  const b = render(SERVICE_B, dir);
  writeFileSync(join(a, "app/api/routes.py"), A_ROUTES);
  writeFileSync(join(b, "app/api/routes.py"), B_ROUTES);
  writeFileSync(join(b, "app/handlers/orders_placed.py"), B_PLACED_HANDLER);
  writeFileSync(join(b, "app/handlers/orders_audit.py"), B_AUDIT_HANDLER);
  writeFileSync(join(b, "tests/test_e2e_ttl.py"), TTL_TEST);
  // not collected by pytest (no test_ prefix): run as `python -m tests.e2e_probe`
  writeFileSync(join(b, "tests/e2e_probe.py"), readFileSync(join(import.meta.dirname, "sidecar_probe.py"), "utf8"));
  return { dir, a, b, python: join(venvPath(), "bin", "python"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let venv: string | undefined;
export function venvPath(): string {
  venv ??= execFileSync("bash", [join(root, "scripts", "python-env.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 600_000,
  }).trim();
  return venv;
}

// ------------------------------------------------------------------ generated Dapr files
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function readYaml(path: string): Doc {
  return parse(readFileSync(path, "utf8")) as Doc;
}

function setMetadata(doc: Doc, values: Record<string, string>): Doc {
  doc.spec.metadata = Object.entries(values).map(([name, value]) => ({ name, value }));
  return doc;
}

export type PubsubKind = { kind: "kafka"; brokers: string } | { kind: "redis"; redisHost: string };
export type StateKind = { kind: "redis"; redisHost: string } | { kind: "postgres"; connectionString: string };

/**
 * The service's generated dapr/local files (the `dapr run` ones), re-pointed at the harness servers:
 * pubsub.yaml (brokers, or type pubsub.redis for Redis Streams), statestore.yaml (redisHost, or the
 * generated k8s state.postgresql v2 file with the connection string as a value), resiliency.yaml as is.
 */
export function resourcesFor(serviceDir: string, pubsub: PubsubKind, state: StateKind): Record<string, string> {
  const ps = readYaml(join(serviceDir, "dapr/local/pubsub.yaml"));
  if (ps.spec.type !== "pubsub.kafka") throw new Error(`generated pubsub type changed: ${ps.spec.type}`);
  const md = Object.fromEntries((ps.spec.metadata as { name: string; value: string }[]).map((m) => [m.name, m.value]));
  if (pubsub.kind === "kafka") {
    setMetadata(ps, { ...md, brokers: pubsub.brokers });
  } else {
    ps.spec.type = "pubsub.redis";
    setMetadata(ps, { redisHost: pubsub.redisHost });
  }
  let st: Doc;
  if (state.kind === "redis") {
    st = readYaml(join(serviceDir, "dapr/local/statestore.yaml"));
    if (st.spec.type !== "state.redis") throw new Error(`generated statestore type changed: ${st.spec.type}`);
    setMetadata(st, { redisHost: state.redisHost });
  } else {
    st = readYaml(join(serviceDir, "k8s/dapr/statestore.yaml"));
    if (st.spec.type !== "state.postgresql") throw new Error(`generated k8s statestore type changed: ${st.spec.type}`);
    const items = st.spec.metadata as { name: string; value?: string; secretKeyRef?: unknown }[];
    const cs = items.find((m) => m.name === "connectionString");
    if (!cs) throw new Error("generated k8s statestore has no connectionString");
    delete cs.secretKeyRef;
    cs.value = state.connectionString;
    delete st.metadata.namespace;
  }
  return {
    "pubsub.yaml": stringify(ps),
    "statestore.yaml": stringify(st),
    "resiliency.yaml": readFileSync(join(serviceDir, "dapr/local/resiliency.yaml"), "utf8"),
  };
}

/** the generated dapr/config.yaml, plus `nameResolution` from the harness's loopback config */
export function configFor(serviceDir: string, loopbackConfig?: string): string {
  const cfg = readYaml(join(serviceDir, "dapr/config.yaml"));
  if (loopbackConfig) cfg.spec.nameResolution = (parse(loopbackConfig) as Doc).spec.nameResolution;
  return stringify(cfg);
}

/** the component names the generated settings use */
export function componentNames(serviceDir: string): { pubsub: string; stateStore: string } {
  const ps = readYaml(join(serviceDir, "dapr/local/pubsub.yaml"));
  const st = readYaml(join(serviceDir, "dapr/local/statestore.yaml"));
  return { pubsub: ps.metadata.name as string, stateStore: st.metadata.name as string };
}
