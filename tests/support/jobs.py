"""Background jobs in in-process tests: a 202 answer's job run here, in the test's transaction, by the
same `BackgroundJobs.run` the worker's task calls (where a real worker took it first, it is awaited)."""

from shared.jobs import BackgroundJobs
from tests.support.processes import wait_until

FINISHED = ("succeeded", "failed")


def boards() -> dict[str, BackgroundJobs]:
    from services.registry.background.service import jobs as registry_jobs
    from services.reporting.background.service import jobs as reporting_jobs

    return {"registry": registry_jobs, "reporting": reporting_jobs}


def run_job(client, service: str, response, headers: dict[str, str]) -> dict:
    """Run the job a 202 answer names; the job as its requester then sees it."""
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/jobs/{job['id']}" and job["status"] == "queued"
    boards()[service].run(job["id"])  # does nothing if a test's real worker is running it already

    def finished() -> dict | None:
        seen = client.get(f"/jobs/{job['id']}", headers=headers).json()
        return seen if seen["status"] in FINISHED else None

    return wait_until(finished, timeout=120, interval=0.2)  # type: ignore[return-value]


def exported(client, service: str, response, headers: dict[str, str]):
    """The file a 202-answered export made (the download's response)."""
    job = run_job(client, service, response, headers)
    assert job["status"] == "succeeded", job
    return client.get(job["result_url"], headers=headers)
