"""The gateway of the run command: the built app on `/`, its own routes answered with index.html,
nothing outside the build folder, and `/api/<service>/` only for the services it knows."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from shared.gateway import create_app
from shared.local_servers import free_port


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("<div id=app></div>")
    (tmp_path / "dist" / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for the browser")
    return tmp_path / "dist"


def test_serves_the_app_its_routes_and_nothing_outside_it(dist):
    with TestClient(create_app({}, dist)) as client:
        asset = client.get("/assets/index-abc123.js")
        assert asset.text == "console.log(1)" and "immutable" in asset.headers["cache-control"]
        for route in ("/", "/units/3f6c", "/login?next=/inbox", "/../secret.txt", "/%2e%2e/secret.txt"):
            page = client.get(route)
            assert page.status_code == 200 and page.text == "<div id=app></div>", route
            assert page.headers["cache-control"] == "no-cache"


def test_unknown_service_and_a_silent_one_are_clear_answers(dist):
    silent = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with TestClient(create_app({"registry": silent}, dist)) as client:
        assert client.get("/api/nosuch/readyz").status_code == 404
        down = client.get("/api/registry/readyz")
        assert down.status_code == 502 and "not answering" in down.text


def test_without_a_build_it_says_how_to_make_one(tmp_path):
    with TestClient(create_app({}, tmp_path / "dist")) as client:
        answer = client.get("/")
        assert answer.status_code == 503 and "make install" in answer.text
