"""What schemathesis found (scripts/api_fuzz.sh), kept fixed: bad input is refused, not coerced."""

import yaml
from django.conf import settings
from django.urls import reverse

from .test_errors_and_docs import SCHEMA_FILE


def test_a_page_size_that_is_not_a_whole_number_is_400(api_owner, audit):
    for bad in ("null", "0", "-3", "²", "1.5"):
        response = api_owner.get(reverse("api:audit_list"), {"page_size": bad})
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["attr"] == "page_size"
    assert api_owner.get(reverse("api:audit_list"), {"page_size": "2"}).status_code == 200


def test_text_fields_take_text_only(api_owner, audit):
    response = api_owner.patch(
        reverse("api:audit_detail", args=[audit.pk]), {"intended_use": 0}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "intended_use"


def test_json_endpoints_take_json_only(api_owner, audit):
    response = api_owner.patch(
        reverse("api:audit_detail", args=[audit.pk]), {"system_name": ""}, format="multipart"
    )
    assert response.status_code == 415


def test_every_token_operation_documents_403_and_the_errors_as_sent():
    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith(settings.SPECTACULAR_SETTINGS["SCHEMA_PATH_PREFIX"]):
                assert "403" in operation["responses"], (method, path)
                body = operation["responses"]["403"]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)
