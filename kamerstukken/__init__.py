"""kamerstukken: mine Dutch parliamentary documents."""
__version__ = "0.1.0"
