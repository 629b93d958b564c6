import httpx
import pydantic

CLIENT_CLASS = httpx.Client
MODEL_BASE = pydantic.BaseModel
