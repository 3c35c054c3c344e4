"""The `assignment:` section of sources.yaml (tuning knobs of the session-assignment engine)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AssignmentSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.5, ge=0.0, le=1.0, description="below this confidence a thread goes to the hallway")
