"""Partnership reports: timeliness and outcomes of early help, per area and locality."""
