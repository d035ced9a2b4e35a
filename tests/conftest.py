"""The core's fixtures come from core.testing (registered as the pytest plugin ``plugcrm``)."""
