"""Valid test data: credit codes with correct check characters, enterprise payloads."""

import itertools

from services.registry.enterprise.credit_code import check_character

_serial = itertools.count(1)


def credit_code(serial: int | None = None) -> str:
    first17 = f"91320500MA{(serial or next(_serial)):07d}"
    return first17 + check_character(first17)


def enterprise_payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "name": f"测试企业{next(_serial)}有限公司",
        "credit_code": credit_code(),
        "industry": "化工",
        "key_supervision": True,
        "responsible_head": "张三",
        "responsible_phone": "13800000000",
    }
    payload.update(overrides)
    return payload
