"""The app for a WSGI server: `gunicorn -w 4 -b 127.0.0.1:8000 webapp.wsgi:app`.

Once the app is built, gc.freeze() takes everything made so far (modules, the app, its
extensions) out of the garbage collector's reach. Those objects live as long as the worker, yet
each full collection walked all ~170,000 of them: a 48 ms pause in the middle of a request (5 ms
frozen), which showed as the report pages' p99 under load.
"""

import gc

from webapp import create_app

app = create_app()
gc.freeze()
