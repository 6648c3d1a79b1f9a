"""The legal engine: deadlines and remedies from jurisdiction rules kept as data."""
