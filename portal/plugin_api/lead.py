"""Lead practitioners: who leads, and proposing a new one.

The names area plugins may use, and the core keeps stable."""

from portal.lead.service import LeadError, history, lead_of, propose_transfer

__all__ = ["LeadError", "history", "lead_of", "propose_transfer"]
