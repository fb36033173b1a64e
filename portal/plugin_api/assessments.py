"""The Early Help Assessment: starting, saving and completing one, and reading its sections.

The names area plugins may use, and the core keeps stable."""

from portal.assessments.service import (
    AlreadyInProgress,
    StaleSection,
    assessment_in,
    assessments_of,
    in_progress_for,
    incomplete_sections,
    save_section,
    section_of,
    start,
)
from portal.assessments.versions import complete, versions_of

__all__ = [
    "AlreadyInProgress",
    "StaleSection",
    "assessment_in",
    "assessments_of",
    "complete",
    "in_progress_for",
    "incomplete_sections",
    "save_section",
    "section_of",
    "start",
    "versions_of",
]
