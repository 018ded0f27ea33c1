"""The SQLite store (sqlite-utils): schema and migrations, repositories, bundles, seals and
backups. No Qt."""
