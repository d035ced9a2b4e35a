"""The bare baseline for ``bench.webforms``: a Flask route that parses the same form and INSERTs one row.

``gunicorn 'bench.webforms_baseline:app'`` with ``BENCH_DATABASE_URL`` set; no plugcrm at all.
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request

engine = sa.create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=4)
rows = sa.Table("bench_inquiries", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(100)), sa.Column("email", sa.String(254)), sa.Column("message", sa.Text))
app = Flask(__name__)


@app.post("/submit")
def submit():
    with engine.begin() as conn:
        conn.execute(rows.insert().values(name=request.form["name"], email=request.form["email"],
                                          message=request.form["description"]))
    return "thank you", 201


def create_table() -> None:
    rows.metadata.drop_all(engine)
    rows.metadata.create_all(engine)
