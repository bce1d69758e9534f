"""peninsula."""
