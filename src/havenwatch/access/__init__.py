"""Who may do what: accounts, sessions, API and calendar tokens, TOTP, throttling, permissions,
teams."""
