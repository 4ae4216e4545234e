"""The scenarios and their targets. Targets are the product's goals: never loosen one to pass.

Each scenario takes the BenchContext and returns rows for the results table. Importing the
modules below registers them; a run takes them in ORDER.
"""
ORDER = ("home", "actions", "directory", "webhook", "signup", "export", "outbox", "delivery", "api-people", "api-signup")
SCENARIOS: dict = {}


def scenario(name):
    def register(function):
        SCENARIOS[name] = function
        return function
    return register


from . import api, export, outreach, pages, signup, webhook  # noqa: E402,F401  (registers the scenarios)

SCENARIOS = {name: SCENARIOS[name] for name in ORDER}
