"""One module per command; importing a module registers its command on `cli`."""

from importlib import import_module

COMMANDS = (
    "crawl",
    "query",
    "sql",
    "report",
    "changes",
    "reparse",
    "schedule",
    "salary",
    "classify",
    "replay",
    "export",
    "demo",
    "merge",
    "companies",
    "sources",
    "detect",
)

for _name in COMMANDS:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a command still being written
        if exc.name != f"{__name__}.{_name}":
            raise
