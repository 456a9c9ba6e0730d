"""tracegrad's neural-network library, built only on the autograd engine."""
