"""moto's server for the store tests: answers one request at a time, and exits with its parent.

moto keeps its state in plain Python objects without locks, and its TransactWriteItems checks,
writes and, on cancellation, puts back a copy of the whole table taken when it began: under
concurrent requests one transaction's rollback undoes writes that others had committed. DynamoDB
applies each request atomically, so this stand-in runs each one under a lock (moto's own
`moto_server` serves requests on concurrent threads).

It reads its standard input until end of file and then exits: the test process holds the other
end, so the server goes when the tests go, however they end.

Usage: python serial_moto.py --port PORT [--host 127.0.0.1]
"""

import argparse
import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def exit_with_parent() -> None:
    sys.stdin.buffer.read()
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    threading.Thread(target=exit_with_parent, daemon=True).start()
    run_simple(args.host, args.port, one_at_a_time, threaded=True)


if __name__ == "__main__":
    main()
