"""Articles as they arrive from the web: HTML pages (html.py), their article extracted with trafilatura.
Needs the web extra: pip install "brief-translate[web]"."""
