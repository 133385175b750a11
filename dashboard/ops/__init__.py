"""Running Vocation: backups and restore (`backup`), their schedule (`backup_schedule`), commands handed
to the app's process (`command_server`), users and roles (`users`). May import layers 1-3.
"""
