"""The checklist definitions shipped with the app, one TOML file per checklist."""
