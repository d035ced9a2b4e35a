"""Uniqueness and duplicate errors do not name records the caller cannot see (finding 2).

A sales rep guessed another rep's customer codes (``YYMMDD-NNN``) in one dry-run
import and read each private account's name from the rejected rows; the
preview, ``POST /api/v1/accounts`` and the business number did the same.  The
rule is :mod:`core.entities.disclosure`: name only what the caller can see
(the recycle bin included), else "already in use"; the sales-conflict check
may add the owner for an exact name or business number; imports never name
a stored holder.
"""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from plugins.customers.validators import with_check_digit
from test_importexport_support import csv_bytes, preview, upload

SECRET = "비밀고객상사"  # the private account's name: must never reach the other rep
BRN = with_check_digit("214860123").replace("-", "")
TAKEN = "This value is already in use."


@pytest.fixture
def reps(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    owner = ApiClient(app.test_client(), make_user(app, "owner@example.com", role="sales", name="김영업")[1])
    other = ApiClient(app.test_client(), make_user(app, "other@example.com", role="sales", name="박영업")[1])
    secret = owner.post("/api/v1/accounts?lang=en", json={"name": SECRET, "business_number": BRN})
    assert secret.status_code == 201, secret.get_json()
    assert other.get(f"/api/v1/accounts/{secret.get_json()['id']}").status_code == 404  # private to its owner
    return {"app": app, "owner": owner, "other": other, "secret": secret.get_json()}


def text(response) -> str:
    return response.get_data(as_text=True)


def refused_without_name(response, field: str) -> None:
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"][field] == TAKEN
    body = text(response)
    assert SECRET not in body and "ACC-" not in body


def test_create_and_update_do_not_name_an_invisible_holder(reps):
    other, secret = reps["other"], reps["secret"]
    refused_without_name(other.post("/api/v1/accounts?lang=en", json={
        "name": "새 고객", "customer_code": secret["customer_code"], "confirm_duplicate": True}), "customer_code")
    refused_without_name(other.post("/api/v1/accounts?lang=en", json={
        "name": "새 고객", "business_number": BRN, "confirm_duplicate": True}), "business_number")
    mine = other.post("/api/v1/accounts", json={"name": "내 고객"}).get_json()
    refused_without_name(other.patch(f"/api/v1/accounts/{mine['id']}?lang=en",
                                     json={"customer_code": secret["customer_code"]}), "customer_code")


def test_the_owner_who_can_see_the_holder_gets_its_name(reps):
    owner, secret = reps["owner"], reps["secret"]
    response = owner.post("/api/v1/accounts?lang=en", json={
        "name": "새 고객", "customer_code": secret["customer_code"], "confirm_duplicate": True})
    assert response.get_json()["error"]["fields"]["customer_code"] == f"Already used by {SECRET}."


def test_a_holder_in_the_recycle_bin_is_named_only_to_who_sees_its_bin_entry(reps):
    owner, other, secret = reps["owner"], reps["other"], reps["secret"]
    assert owner.delete(f"/api/v1/accounts/{secret['id']}").status_code == 204
    refused_without_name(other.post("/api/v1/accounts?lang=en", json={
        "name": "새 고객", "customer_code": secret["customer_code"], "confirm_duplicate": True}), "customer_code")
    seen = owner.post("/api/v1/accounts?lang=en", json={
        "name": "새 고객", "customer_code": secret["customer_code"], "confirm_duplicate": True})
    assert seen.get_json()["error"]["fields"]["customer_code"] == f"Already used by {SECRET} (in the recycle bin)."
    found = other.get("/api/v1/customers/accounts/duplicates", query_string={"business_number": BRN}).get_json()
    assert found["data"] == [{"owner": "김영업", "matched_on": "business_number", "visible": False}]


def test_sales_conflict_check_gives_only_the_owner_for_an_exact_name_or_number(reps):
    other = reps["other"]
    for query in ({"name": SECRET}, {"business_number": BRN}):
        found = other.get("/api/v1/customers/accounts/duplicates", query_string={**query, "lang": "en"})
        assert found.status_code == 200
        assert [m["owner"] for m in found.get_json()["data"]] == ["김영업"]
        assert SECRET not in text(found) and reps["secret"]["customer_code"] not in text(found)
    warned = other.post("/api/v1/accounts?lang=en", json={"name": SECRET})
    assert warned.status_code == 409 and "김영업" in warned.get_json()["error"]["message"]
    assert warned.get_json()["error"]["matches"] == [{"owner": "김영업", "matched_on": "name", "visible": False}]
    assert reps["secret"]["customer_code"] not in text(warned)


def guessed_codes(secret: dict) -> list[list]:
    """A file of customer codes around the secret account's (they are dated and sequential)."""
    prefix = secret["customer_code"].rsplit("-", 1)[0]
    return [["Account name", "customer_code"]] + [[f"추측 {n}", f"{prefix}-{n:03d}"] for n in range(1, 6)]


@pytest.mark.parametrize("how", ["dry_run", "preview", "import"])
def test_imports_never_name_stored_holders(reps, how):
    """Not even ones the importer can see: a file is a bulk question (rule 4)."""
    for who in ("other", "owner"):  # matched by name, so the owner's own account is not simply skipped
        api = reps[who]
        data = csv_bytes(guessed_codes(reps["secret"]))
        if how == "preview":
            response = preview(api, "accounts", data, "codes.csv", match="name")
            errors = [row["errors"] for row in response.get_json()["rows"] if row["errors"]]
        else:
            extra = {"dry_run": "1"} if how == "dry_run" else {}
            response = upload(api, "accounts", data, "codes.csv", match="name", **extra)
            errors = [e["errors"] for e in (response.get_json().get("summary") or response.get_json())["errors"]]
        assert response.status_code in (200, 201), response.get_json()
        assert errors and all(e == {"customer_code": TAKEN} for e in errors), (who, errors)
        assert SECRET not in text(response)
        if how == "import":  # the stored rejected rows say the same
            stored = api.get(f"/api/v1/imports/{response.get_json()['id']}/errors?lang=en")
            assert stored.status_code == 200 and TAKEN in text(stored) and SECRET not in text(stored)


def test_rows_of_the_same_file_are_still_named(reps):
    rows = [["Account name", "customer_code"], ["첫째", "X-1"], ["둘째", "X-1"]]
    response = upload(reps["other"], "accounts", csv_bytes(rows), "same.csv", dry_run="1", match="name")
    assert response.get_json()["summary"]["errors"] == [{"row": 3, "errors": {"customer_code": "Already used by 첫째."}}]
