"""`GET /labels`: the label catalogue for the web application, served by the registry.

Public and the same for everyone: names of codes, no data; the web application needs them
before anyone logs in (the login page, the map legend).
"""

from fastapi import APIRouter

from shared.labels import LABELS, Label

labels_router = APIRouter(tags=["labels 名称目录"])


@labels_router.get("/labels", summary="名称目录 / Chinese and English labels of every code, by kind")
def labels() -> dict[str, dict[str, Label]]:
    return LABELS
