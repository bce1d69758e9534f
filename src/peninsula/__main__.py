"""`python -m peninsula`: the command line (`peninsula.cli`)."""

from peninsula.cli import app

if __name__ == "__main__":
    app(prog_name="peninsula")
