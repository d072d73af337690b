"""The yardstick for the hazard report benchmark: a bare FastAPI + SQLAlchemy endpoint inserting one row."""

import os
import uuid

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, MetaData, String, Table, Text, Uuid, create_engine

engine = create_engine(os.environ["DATABASE_URL"], pool_size=10)
metadata = MetaData(schema="public")
rows = Table(
    "bench_bare_row",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("category", String(60)),
    Column("description", Text),
)
metadata.create_all(engine)
app = FastAPI()


class Row(BaseModel):
    category: str
    description: str


@app.post("/rows", status_code=201)
def insert_row(row: Row) -> dict[str, str]:
    row_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(rows.insert().values(id=row_id, **row.model_dump()))
    return {"id": str(row_id)}
