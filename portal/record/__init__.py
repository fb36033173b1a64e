"""The family record's pages: find before create, the record page and its
cards, household and person edits. They sit above every capability whose
cards and facts they show."""
