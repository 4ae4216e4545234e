"""Run localstripe for the tests: on 127.0.0.1 only, with its data in a file of this run.

    python -m tests.donations.localstripe_server PORT DATA_FILE

localstripe's own command (`localstripe`, i.e. localstripe.server.start) binds every
interface ("::") and keeps its data in /tmp/localstripe.pickle, shared by every run on the
machine. This starts the same aiohttp app on the loopback address, begins with an empty
store and writes the store to DATA_FILE instead. It always runs as a separate process
(localstripe is GPL-licensed; neither the app nor the test process imports it).
"""
import pickle
import sys

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    port, data_file = int(sys.argv[1]), sys.argv[2]

    def dump_to_disk(store) -> None:
        with open(data_file, "wb") as handle:
            pickle.dump(dict(store), handle, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.dump_to_disk = dump_to_disk
    resources.Store.try_load_from_disk = lambda store: None
    web.run_app(server.app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
