"""What a caption or a picture is to be about, as the text the providers are given.

The text is labelled lines ("Brand: …", "Topic: …"): a language model reads it as it
is, and the offline provider reads the fields back (`parse_brief`) to compose a caption
or draw a card without understanding language.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

LABELS = {
    "brand": "Brand",
    "audience": "Audience",
    "tone": "Tone",
    "topic": "Topic",
    "angle": "Angle",
    "details": "Details",
}


@dataclass(frozen=True)
class ContentBrief:
    brand: str = ""
    audience: str = ""
    tone: str = ""
    topic: str = ""
    angle: str = ""
    """How this post differs from its siblings written from the same brief (the offline provider ignores it)."""
    details: str = ""

    def text(self) -> str:
        """The labelled lines, empty fields left out (details may span lines: it comes last)."""
        lines = [
            f"{LABELS[f.name]}: {' '.join(value.split()) if f.name != 'details' else value.strip()}"
            for f in fields(self)
            if (value := getattr(self, f.name).strip())
        ]
        return "\n".join(lines)


def parse_brief(text: str) -> ContentBrief:
    """The fields of `ContentBrief.text()`; text without labels is all details."""
    by_label = {label.lower(): name for name, label in LABELS.items()}
    found: dict[str, str] = {}
    for line in text.strip().splitlines():
        label, sep, value = line.partition(":")
        name = by_label.get(label.strip().lower()) if sep else None
        if name is not None and name not in found:
            found[name] = value.strip()
        else:  # unlabelled: details (its later lines, or text written without labels)
            found["details"] = f"{found.get('details', '')}\n{line}".strip()
    return ContentBrief(**found)
