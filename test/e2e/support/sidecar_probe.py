"""Raw requests at the edges of the Dapr HTTP API; prints {case: [status, errorCode]} (e2e suite)."""

import asyncio
import json
import os
import uuid

import httpx

from tests.fake_sidecar import FakeSidecar

PORT = os.environ.get("PORT")
STORE = "state-store"

async def main():
    if PORT:
        c = httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=10)
    else:
        c = httpx.AsyncClient(transport=FakeSidecar(state_stores=[STORE], pubsubs=["pubsub"]).transport(), base_url="http://x")
    out = {}
    async def rec(name, r):
        try: b = r.json()
        except Exception: b = r.text[:80]
        code = b.get("errorCode") if isinstance(b, dict) else b
        out[name] = (r.status_code, code)
    k = "p-" + uuid.uuid4().hex
    await rec("get_missing", await c.get(f"/v1.0/state/{STORE}/{k}"))
    await rec("save", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k, "value": 1}]))
    await rec("firstwrite_noetag_existing", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k, "value": 2, "options": {"concurrency": "first-write"}}]))
    k2 = "p-" + uuid.uuid4().hex
    await rec("firstwrite_noetag_missing", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k2, "value": 2, "options": {"concurrency": "first-write"}}]))
    await rec("firstwrite_noetag_on_firstwrite_key", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k2, "value": 3, "options": {"concurrency": "first-write"}}]))
    await rec("etag_on_missing_key", await c.post(f"/v1.0/state/{STORE}", json=[{"key": "m-"+k, "value": 2, "etag": "1", "options": {"concurrency": "first-write"}}]))
    await rec("etag_nonnumeric", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k, "value": 2, "etag": "abc", "options": {"concurrency": "first-write"}}]))
    await rec("etag_lastwrite_stale", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k, "value": 2, "etag": "999"}]))
    await rec("delete_etag_missing", await c.delete(f"/v1.0/state/{STORE}/m2-{k}", headers={"If-Match": "1"}))
    await rec("delete_missing", await c.delete(f"/v1.0/state/{STORE}/m3-{k}"))
    await rec("ttl_number", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k, "value": 2, "metadata": {"ttlInSeconds": 5}}]))
    await rec("ttl_bad", await c.post(f"/v1.0/state/{STORE}", json=[{"key": k, "value": 2, "metadata": {"ttlInSeconds": "x"}}]))
    await rec("unknown_store", await c.post(f"/v1.0/state/nope", json=[{"key": k, "value": 2}]))
    await rec("unknown_store_get", await c.get(f"/v1.0/state/nope/{k}"))
    await rec("not_array", await c.post(f"/v1.0/state/{STORE}", json={"key": k, "value": 2}))
    await rec("pipe_key", await c.post(f"/v1.0/state/{STORE}", json=[{"key": "a||b", "value": 2}]))
    await rec("no_key", await c.post(f"/v1.0/state/{STORE}", json=[{"value": 2}]))
    await rec("publish_unknown", await c.post(f"/v1.0/publish/nope/t", json={"a": 1}))
    await rec("publish_badjson", await c.post(f"/v1.0/publish/pubsub/t", content=b"{bad", headers={"content-type": "application/json"}))
    await rec("invoke_unknown", await c.get(f"/v1.0/invoke/nobody/method/x"))
    await rec("unknown_route", await c.get(f"/v1.0/whatever"))
    print(json.dumps(out))
asyncio.run(main())
