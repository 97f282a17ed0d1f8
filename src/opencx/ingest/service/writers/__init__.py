"""One writer per kind of file: resolves a parsed chunk's references, then upserts its rows."""
