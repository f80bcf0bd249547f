"""Runs moto's server (the app behind `moto_server`) on 127.0.0.1, on a port the kernel picks (bind port 0).

Prints the port on the first line of stdout, then serves until stdin closes (the test that started it ended,
or crashed) or SIGTERM arrives. Environment as for moto_server (INITIAL_NO_AUTH_ACTION_COUNT, MOTO_ENABLE_RECORDING, ...).
"""
import os
import signal
import sys
import threading

from werkzeug.serving import make_server

# A child inherits its parent's blocked signals; unblock them so that SIGTERM stops the server.
signal.pthread_sigmask(signal.SIG_SETMASK, [])


from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=True)
os.environ["MOTO_PORT"] = str(server.server_port)
print(server.server_port, flush=True)


def stop_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=stop_when_parent_goes, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
server.serve_forever()
