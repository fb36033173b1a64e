"""Information requests: everything held about a person, for a subject access request."""
