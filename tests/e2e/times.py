"""A time of day as the portal writes it (the GOV.UK style guide): 10am, 2:05pm, midday."""

CLOCK = r"(\d{1,2}(:\d{2})?[ap]m|midday|midnight)"
