import requests

VERSION = "0.1.0"
