"""HTTP service: a thin FastAPI layer over pure handler functions (service.handlers)."""
