"""Server-rendered web pages in French and English: each handler calls services."""
