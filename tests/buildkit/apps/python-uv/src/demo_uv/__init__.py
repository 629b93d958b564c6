import httpx
import pydantic
