"""A real Flask app for nest-session's interoperability tests.

Started by test/flask/flask-server.ts with the secret in FLASK_SECRET_KEY. It binds a free
loopback port itself and prints "LISTENING <port>" once it accepts connections, so the tests
never race another process for a port.

Routes:
  GET /set?keys=a,b&large=1&permanent=1  store the sample values (all, or the named ones)
  GET /flash                             flash three messages with categories
  GET /dump                              the session it received, with Python type names
  GET /flashes                           consume the flashes with their categories

/set and /dump answer {"session": <description>, "permanent": bool}; the description leaves
out "_permanent", which "permanent" reports.
"""
import base64
import logging
import os
import uuid
from datetime import datetime, timedelta, timezone

from flask import Flask, flash, get_flashed_messages, jsonify, request, session
from markupsafe import Markup
from werkzeug.serving import make_server

# Request lines on stderr would only bury a startup error that the test helper reports.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
    seconds=int(os.environ.get("FLASK_LIFETIME_SECONDS", str(31 * 24 * 3600)))
)

# One value of every type Flask's tagged JSON knows; the Nest side of the tests builds the
# same values from JavaScript, so the two cookies can be compared byte for byte.
SAMPLE = {
    "tuple": (1, "two", (3, 4)),
    "bytes": bytes([0, 37, 74, 111, 148, 185, 222, 255]),
    "markup": Markup("<b>bold</b> &amp; safe"),
    "uuid": uuid.UUID("7d444840-9dc0-11d1-b245-5ffdce74fad2"),
    "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    "tagged": {" t": "not a tuple"},
    "nested": [[1, [2, [3]]], {"a": [True, None, 1.5]}],
    "text": "h\u00e9llo \u2603 \U0001F600",
    "user_id": 42,
}

# Repetitive, so it compresses well, but far over the 4 KiB cookie limit if it did not.
FILLER = "lorem ipsum dolor sit amet " * 200


def describe(value):
    """The value as JSON with its Python type, so the tests can see that types survived."""
    # Order matters: bool is an int, Markup is a str.
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"float": value}
    if value is None:
        return {"none": None}
    if isinstance(value, Markup):
        return {"markup": str(value)}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, datetime):
        utc = value.astimezone(timezone.utc)
        return {"datetime": utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    if isinstance(value, tuple):
        return {"tuple": [describe(item) for item in value]}
    if isinstance(value, list):
        return {"list": [describe(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": {key: describe(item) for key, item in value.items()}}
    raise TypeError(f"no description for {type(value).__name__}")


def snapshot():
    data = {key: value for key, value in session.items() if key != "_permanent"}
    return jsonify(session=describe(data), permanent=session.permanent)


@app.get("/set")
def set_values():
    keys = request.args.get("keys")
    for key in keys.split(",") if keys else SAMPLE:
        session[key] = SAMPLE[key]
    if request.args.get("large"):
        session["filler"] = FILLER
    if request.args.get("permanent"):
        session.permanent = True
    return snapshot()


@app.get("/flash")
def flash_messages():
    flash("Welcome back", "info")
    flash("Disk almost full", "warning")
    flash("Plain message")
    return jsonify(ok=True)


@app.get("/dump")
def dump():
    return snapshot()


@app.get("/flashes")
def flashes():
    messages = get_flashed_messages(with_categories=True)
    # Flask's own flashes are tuples; "types" shows whether the ones it read still are.
    return jsonify(flashes=messages, types=sorted({type(m).__name__ for m in messages}))


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"LISTENING {server.server_port}", flush=True)
    server.serve_forever()
