"""plugcrm core: the machinery every plugin builds on."""
__version__ = "0.1.0"
