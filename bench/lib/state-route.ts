// The routes file the runtime and telemetry benchmarks put into a generated service: a state-read
// route as a user writes it in the scaffolded app/api/routes.py, one definition for both, so their
// figures measure the same request path.

/** app/api/routes.py with GET /bench/state/{key}; `extra` adds more routes after it. */
export function benchRoutesFile(writtenBy: string, extra = ""): string {
  return `"""Routes of the benchmark service (written by ${writtenBy})."""

from typing import Any

from fastapi import APIRouter, HTTPException

from app.api.deps import StateDep

router = APIRouter(tags=["bench"])


@router.get("/bench/state/{key}")
async def read_state(key: str, state: StateDep) -> Any:
    entry = await state.get(key)
    if entry is None:
        raise HTTPException(404, "no such key")
    return entry.value
${extra}`;
}
