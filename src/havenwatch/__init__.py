"""havenwatch: case documentation, news monitoring and legal deadlines for exiled activists."""

__version__ = "0.1.0"
