"""Reading paged lists (`{"items": [...], "next": ...}`) the way a client does."""

from collections.abc import Callable
from typing import Any


def walk(get: Callable[..., Any], **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, following `next` from the first page to the last.

    `get(params=...)` answers one page, e.g. `functools.partial(client.get, "/enterprises", headers=h)`.
    """
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = get(params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items
