"""Filling in the post editor as marketing would."""
from __future__ import annotations

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def editor_form(**overrides) -> dict:
    data = {
        "title": "Spring event", "body": "Join us at the **spring event**.",
        "link": "https://www.example.com/news/spring?ref=home", "hashtags": "#spring #events",
        "min_tier": "basic", "goal_id": "0", "publish_at": "2026-03-02T10:00", "expires_at": "",
        "slug": "", "image_alt": "", "version": "",
        "caption_linkedin_0": "Our spring event is open for everyone.",
        "caption_linkedin_1": "Come to the spring event!",
        "caption_x_0": "Spring event: come along",
        "caption_whatsapp_0": "Look, our spring event",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
