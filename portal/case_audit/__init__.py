"""Random case audits: a reproducible sample of episodes, an audit form each, findings rolled up."""
