import json

import flask
import requests

app = flask.Flask(__name__)


@app.get("/")
def index():
    return json.dumps({"requests": requests.__version__})
