import requests

VERSION = "0.1.0"
SESSION_CLASS = requests.Session
