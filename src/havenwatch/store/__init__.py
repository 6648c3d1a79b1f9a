"""Storage: database engine, tables, migrations, repositories."""
