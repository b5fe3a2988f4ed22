def register(app) -> None:
    """Report commands (reminders, digest) are added here."""
