"""Belgian national register (NISS/INSZ) and BIS numbers, checked with python-stdnum."""

import re
from dataclasses import dataclass

from stdnum.be import bis, nn

_NOT_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class Niss:
    digits: str  # 11 digits, or "" when nothing usable was typed
    valid: bool  # checksum correct (as a national register or a BIS number)
    kind: str  # "nn", "bis" or ""

    @property
    def display(self) -> str:
        d = self.digits
        return f"{d[0:2]}.{d[2:4]}.{d[4:6]}-{d[6:9]}.{d[9:11]}" if len(d) == 11 else d

    @property
    def masked(self) -> str:
        """For lists: enough to tell two people apart at a glance, not to copy."""
        return f"••.••.••-•••.{self.digits[9:11]}" if len(self.digits) == 11 else ""


def parse(raw: str) -> Niss:
    digits = _NOT_DIGITS.sub("", raw or "")
    if len(digits) != 11:
        return Niss(digits=digits, valid=False, kind="")
    if nn.is_valid(digits):
        return Niss(digits=digits, valid=True, kind="nn")
    if bis.is_valid(digits):
        return Niss(digits=digits, valid=True, kind="bis")
    return Niss(digits=digits, valid=False, kind="")
