from networks.management.commands.reseal import Command as Reseal


class Command(Reseal):
    """The older name of `reseal`, kept for the scripts that call it."""
