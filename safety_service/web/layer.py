"""What the web side shares across requests, built once in ``create_app`` (``app.state.web``)."""

from dataclasses import dataclass
from typing import Self

from safety_service.config import Settings
from safety_service.web.limits import RateLimiter


@dataclass(frozen=True)
class WebLayer:
    """Made at start-up, never on a first request: two first requests at once would each make their own."""

    rewards_limiter: RateLimiter  # the public reward endpoints, at the report page's submission rate

    @classmethod
    def build(cls, settings: Settings) -> Self:
        """The layer for these settings."""
        return cls(rewards_limiter=RateLimiter(settings.report_rate_per_minute))
