"""HTTP side of a service: the FastAPI app (OpenAPI), sign-in, page rendering and translations."""
