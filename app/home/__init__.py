"""The home page (each role's landing page), the language switch and the health checks."""
