"""Consultations: a practitioner's call to their area's advice line (Derby's
Professional Consultation Line, Derbyshire's Starting Point Consultation and
Advice Service) about a family, and the advice given."""
