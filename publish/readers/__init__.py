"""Readers of structured input formats: `read_x(data, path, ...) -> Parsed`, one module per format.

They mirror `publish.render`: a reader knows its format and the article model, never an
edition. Plain-text wire copy is the parser's own (`publish.parse`); a reader translates its
format's facts and hands them to that parser, so every input gets the same typography,
quotations, dateline and slug rules.
"""
