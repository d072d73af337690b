"""An API with many more requests in flight than database connections keeps answering all of them.

Requests wait for a database slot on the event loop (`ServiceRuntime.database_slots`), not in the
pool of threads: there, requests waiting for a connection once took every thread, while those
holding the connections waited for a thread to commit or to serialise their answer, until the
connection pool's 30 s timeout failed requests with 500.
"""

import asyncio
import uuid

import httpx
import pytest

from shared.processes import BY_NAME
from tests.support.inspections import known_unit
from tests.support.processes import API_PORT_BASE, start_api

pytestmark = pytest.mark.committed  # the started API reads the unit

IN_FLIGHT = 200  # five times the threads FastAPI runs sync code in (40)


def test_requests_beyond_the_database_pool_wait_for_a_slot_and_are_all_answered(log_dir, auth):
    unit_id = known_unit()
    api = start_api("inspections", log_dir, DB_POOL_SIZE="1", DB_MAX_OVERFLOW="0")
    base_url = f"http://127.0.0.1:{BY_NAME['inspections-api'].port(API_PORT_BASE['registry'])}"
    headers = auth()
    report = {
        "unit_id": str(unit_id),
        "source": "superior_inspection",
        "category": "消防",
        "grade": "general",
        "location": "二号仓库",
        "description": "灭火器过期未更换",
    }

    async def call(client: httpx.AsyncClient, n: int) -> int:
        # half read the ledger (a session from the dependency, the answer serialised in a thread),
        # half report a hazard (its own transaction), each keyed, so none could be recorded twice
        if n % 2:
            return (await client.get("/hazards", params={"unit_id": str(unit_id)})).status_code
        keyed = {**headers, "Idempotency-Key": f"saturation-{n}-{uuid.uuid4()}"}
        return (await client.post("/hazards", json=report, headers=keyed)).status_code

    async def all_at_once() -> list[int]:
        limits = httpx.Limits(max_connections=IN_FLIGHT)
        async with httpx.AsyncClient(
            base_url=base_url, headers=headers, timeout=120, limits=limits
        ) as client:
            return await asyncio.gather(*(call(client, n) for n in range(IN_FLIGHT)))

    try:
        statuses = asyncio.run(all_at_once())
        assert sorted(set(statuses)) == [200, 201], statuses
        assert statuses.count(201) == IN_FLIGHT // 2
        assert "QueuePool limit" not in api.log_text()
        with httpx.Client(base_url=base_url, headers=headers) as client:
            ledger = client.get("/hazards", params={"unit_id": str(unit_id), "limit": 100}).json()
        assert len(ledger["items"]) == IN_FLIGHT // 2
    finally:
        api.stop()
