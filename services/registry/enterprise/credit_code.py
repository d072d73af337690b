"""Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters, the last a check digit."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None for a valid code, else what is wrong with it (in Chinese and English)."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位 / must be 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return f"含有非法字符 / contains characters not allowed: {''.join(bad)}"
    if not code[2:8].isdigit():
        return "第3-8位应为行政区划码 / characters 3-8 must be an administrative division code (digits)"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"校验码错误 / wrong check character: expected {expected}, got {code[17]}"
    return None
