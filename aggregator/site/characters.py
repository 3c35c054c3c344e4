"""Characters that no output may carry, whatever the data says.

XML 1.0 forbids the C0 controls and HTML parsers flag C1 controls and noncharacters as
errors; spreadsheets choke on NUL; untrusted text can carry any of them, and lone
surrogates (JSON "\\ud800") that UTF-8 cannot even encode. Tab, line feed and carriage
return stay.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)
