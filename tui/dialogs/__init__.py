"""Modal dialogs: copy menu, export, confirmations."""
