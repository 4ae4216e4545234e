"""The scenarios and their targets. Targets are the product's goals: never loosen one to pass.

Each scenario takes the BenchContext and returns rows for the results table. Importing the
modules below registers them, in the order a run takes them.
"""
SCENARIOS = {}


def scenario(name):
    def register(function):
        SCENARIOS[name] = function
        return function
    return register


from . import pages, webhook, signup, export  # noqa: E402,F401  (registers the scenarios, in this order)
