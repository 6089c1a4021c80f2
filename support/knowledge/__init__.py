"""Knowledge base: help-centre articles and their full-text search."""
