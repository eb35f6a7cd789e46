"""analytics: placeholder until its app lands (see the issue)."""
