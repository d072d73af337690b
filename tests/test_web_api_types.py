"""The web application's API client is typed from the services' OpenAPI documents as they are now."""

import pytest

from shared.web_api_types import CLI, GENERATED, generate


@pytest.mark.skipif(not CLI.exists(), reason="web/node_modules missing: `make install` runs npm ci")
def test_generated_api_types_match_the_services_openapi(tmp_path):
    written = generate(tmp_path)
    assert written
    for fresh in written:
        committed = GENERATED / fresh.name
        assert committed.exists(), f"{committed} missing: run `make api-types`"
        assert fresh.read_text() == committed.read_text(), (
            f"{committed.name} is out of date with the service's API: run `make api-types`, commit, "
            "and make the web app build again"
        )
