"""Keys and envelope encryption, sealing of identity fields, padding, the encrypted vault."""
