from aiohttp import web


def main() -> None:
    web.run_app(web.Application(), port=8000)
