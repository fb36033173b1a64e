"""Area work queues and teams: how an area's staff reach the families their
inboxes hold (DESIGN.md: "an area role whose queue holds it")."""
