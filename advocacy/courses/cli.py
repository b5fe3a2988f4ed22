from flask.cli import AppGroup

content_cli = AppGroup("content", help="Load the curriculum from content/.")
