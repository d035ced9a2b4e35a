"""Small helpers shared by the customers tests."""
from __future__ import annotations

from core.testing import ApiClient, make_user


def create(api, entity: str, **values) -> dict:
    response = api.post(f"/api/v1/{entity}", json=values)
    assert response.status_code == 201, response.json
    return response.json


def account(api, name: str, **values) -> dict:
    return create(api, "accounts", name=name, confirm_duplicate=True, **values)


def rep(app, email: str, role: str = "sales") -> tuple[int, ApiClient]:
    user_id, token = make_user(app, email, role=role)
    return user_id, ApiClient(app.test_client(), token)


def names(response) -> list[str]:
    assert response.status_code == 200, response.json
    return sorted(item["name"] for item in response.json["data"])


def error_fields(response, status: int = 422) -> dict:
    assert response.status_code == status, response.json
    return response.json["error"].get("fields", {})
