"""Password hashing with argon2 (argon2-cffi)."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Verified when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("gridsafe-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# The most common passwords, refused whatever the policy's length (compared in lower case).
COMMON_PASSWORDS = frozenset(
    {
        "1234567890", "12345678910", "0123456789", "1qaz2wsx3edc", "1q2w3e4r5t", "qwertyuiop",
        "qwerty12345", "qwe123456789", "a1234567890", "abc1234567", "abcd123456", "password123",
        "password1234", "passw0rd123", "p@ssw0rd123", "admin123456", "administrator", "iloveyou123",
        "woaini1314520", "woaini123456", "5201314520", "aa123456789", "zxcvbnm123", "asdfghjkl123",
        "123456789a", "123456789q", "1234567890q", "qazwsxedc123", "gridsafe123", "gridsafe2026",
        "gridsafe-demo-2026", "changeme123", "welcome1234", "letmein12345",
    }
)  # fmt: skip


def _character_classes(password: str) -> int:
    """Lower case, upper case, digits, anything else (punctuation, Chinese characters...)."""
    return len(
        {
            "lower" if c.islower() else "upper" if c.isupper() else "digit" if c.isdigit() else "other"
            for c in password
        }
    )


def password_problem(password: str, username: str, min_length: int) -> str | None:
    """Why a new password is refused (in Chinese and English), or None if it is acceptable."""
    if len(password) < min_length:
        return f"密码至少 {min_length} 位 / a password has at least {min_length} characters"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名 / a password must not contain the user name"
    if password.lower() in COMMON_PASSWORDS:
        return "密码过于常见 / this password is too common"
    if _character_classes(password) < 2:
        return (
            "密码须包含至少两类字符(小写、大写、数字、符号) / a password mixes at least two kinds of "
            "characters (lower case, upper case, digits, symbols)"
        )
    return None


def random_password() -> str:
    """A new random password (16 characters) that the policy accepts."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, "", 16) is None:
            return password
