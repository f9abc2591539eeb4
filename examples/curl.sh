#!/usr/bin/env bash
# Talks to proxy-gpt with plain curl: a chat completion on /v1, the same request without /v1 (for clients
# that append the path to a bare host), and a streamed answer. Needs bash and curl >= 7.76.
#
#   PROXY_URL=http://localhost:7860 PROXY_KEY=... bash examples/curl.sh
#
# -i prints the response headers before the body: look for x-cache (HIT, MISS or BYPASS) and x-cache-match.
set -Eeuo pipefail  # -E: the ERR trap below also fires inside functions

PROXY_URL="${PROXY_URL:-http://localhost:7860}"
PROXY_URL="${PROXY_URL%/}"
# PROXY_KEY may list several keys separated by commas (as in the proxy's own .env); any one of them works.
PROXY_KEY="${PROXY_KEY:-}"
PROXY_KEY="${PROXY_KEY%%,*}"

if [ -z "$PROXY_KEY" ]; then
  echo "Set PROXY_KEY to your proxy key, e.g. PROXY_KEY=... bash examples/curl.sh" >&2
  exit 2
fi

# Any failed request (HTTP 4xx/5xx, no connection) stops the script with a non-zero exit code.
trap 'echo "Request failed (curl exit code $?)." >&2' ERR

# --fail-with-body: exit non-zero on an HTTP error but still print the error JSON.
# -sS: no progress bar, but do show errors.
post() {
  curl -sS --fail-with-body \
    -H "Authorization: Bearer $PROXY_KEY" \
    -H "Content-Type: application/json" \
    "$@"
  echo
}

echo "1. Chat completion on $PROXY_URL/v1/chat/completions (headers shown: x-cache is MISS the first time):"
post -i "$PROXY_URL/v1/chat/completions" \
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of Italy?"}]}'

echo
echo "2. The same request on $PROXY_URL/chat/completions (no /v1; same cache, so x-cache: HIT):"
post -i "$PROXY_URL/chat/completions" \
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of Italy?"}]}'

echo
echo "3. A streamed answer (-N turns off curl's buffering, so events print as they arrive):"
post -N -i "$PROXY_URL/v1/chat/completions" \
  -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Count to five."}]}'

echo "Done."
