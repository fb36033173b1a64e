"""Forms kept when their sender's session ended before they were sent."""
