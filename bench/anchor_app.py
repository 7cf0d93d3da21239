"""The hand-written anchor of bench/runtime.ts (a benchmark, not a test): the smallest FastAPI
service a careful engineer would write to read a key through the Dapr sidecar, with the fastest
client measured (one aiohttp session for the process), and a route that returns a constant (bare
FastAPI). Served with the same uvicorn settings as the generated service (`python -m app`):
    python -m uvicorn anchor_app:app --loop uvloop --http httptools --no-access-log ...
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from fastapi import FastAPI, HTTPException, Request

BASE = f"http://127.0.0.1:{os.environ.get('DAPR_HTTP_PORT', '3500')}/v1.0/state/state-store/"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5.0)) as session:
        app.state.session = session
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/state/{key}")
async def read(key: str, request: Request) -> Any:
    async with request.app.state.session.get(BASE + key) as answer:
        if answer.status == 204:
            raise HTTPException(404)
        return json.loads(await answer.read())


@app.get("/constant")
async def constant() -> dict[str, str]:
    return {"status": "ok"}
