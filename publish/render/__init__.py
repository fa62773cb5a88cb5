"""Renderers: `render_x(article, options) -> bytes`, one module per edition.

They are imported lazily (see `publish.editions.EDITIONS`) so that a text-only build or
`publish --help` never pays for loading reportlab or ebooklib.
"""
