"""Talks to proxy-gpt with the official openai Python package: a chat completion, a streamed one, and
the question again (answered from the proxy's cache).

    pip install openai
    PROXY_URL=http://localhost:7860 PROXY_KEY=... python3 examples/chat.py

The only difference from talking to OpenAI directly: base_url points at the proxy, api_key is the proxy key.
"""

import os
import sys

try:
    from openai import OpenAI, APIError, APIStatusError
except ImportError:
    sys.exit("This example needs the openai Python package: pip install openai (or python3 -m pip install openai)")

PROXY_URL = (os.environ.get("PROXY_URL") or "http://localhost:7860").rstrip("/")
# PROXY_KEY may list several keys separated by commas (as in the proxy's own .env); any one of them works.
PROXY_KEY = os.environ.get("PROXY_KEY", "").split(",")[0].strip()

MODEL = "gpt-4o-mini"
QUESTION = "Name the three primary colours."


def cache_headers(headers):
    """The proxy's cache headers: x-cache is HIT, MISS or BYPASS; x-cache-match says how a hit matched."""
    text = "x-cache: " + headers.get("x-cache", "(none)")
    if headers.get("x-cache-match"):
        text += ", x-cache-match: " + headers["x-cache-match"]
    return text


def main():
    if not PROXY_KEY:
        print("Set PROXY_KEY to your proxy key, e.g. PROXY_KEY=... python3 examples/chat.py", file=sys.stderr)
        return 2

    client = OpenAI(base_url=f"{PROXY_URL}/v1", api_key=PROXY_KEY)
    messages = [{"role": "user", "content": QUESTION}]
    print(f"Proxy: {PROXY_URL}/v1")

    # 1. A plain chat completion.
    print(f'\n1. Chat completion: "{QUESTION}"')
    resp = client.chat.completions.create(model=MODEL, messages=messages)
    print("   answer:", resp.choices[0].message.content)

    # 2. The same question, streamed: the text arrives in chunks, printed as they come.
    print("\n2. The same question, streamed:")
    print("   streamed: ", end="", flush=True)
    stream = client.chat.completions.create(model=MODEL, messages=messages, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="", flush=True)
    print()

    # 3. Asked again: the proxy answers from its cache. with_raw_response gives the HTTP headers too.
    print("\n3. The same question again:")
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=messages)
    again = raw.parse()
    print("   answer:", again.choices[0].message.content)
    print("  ", cache_headers(raw.headers))

    print("\nDone.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except APIStatusError as error:
        # 401: wrong proxy key; 429: over MODEL_RATE_LIMIT; 5xx: the proxy could not reach the upstream.
        print(f"\nRequest failed: {error.status_code} {error.message}", file=sys.stderr)
        sys.exit(1)
    except APIError as error:
        print(f"\nRequest failed: {error.message}", file=sys.stderr)
        sys.exit(1)
