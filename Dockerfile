# proxy-gpt for a Hugging Face Space (Docker SDK) or any Docker host.
# Runs as uid 1000 (what Spaces require), listens on 7860, keeps its cache in /data when that is writable
# (a Space's persistent storage) and in /app/data otherwise.

FROM oven/bun:1.4.5-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only (Bun reads package-lock.json, so npm and Bun install the same tree). Peers
# are omitted: the runtime ones are direct dependencies. usearch keeps only its Linux prebuilt addons.
RUN bun install --production --frozen-lockfile --ignore-scripts --omit peer \
 && rm -rf node_modules/usearch/prebuilds/darwin* node_modules/usearch/prebuilds/win32* \
           node_modules/usearch/numkong node_modules/usearch/c node_modules/usearch/cpp node_modules/usearch/include

FROM oven/bun:1.4.5-slim
WORKDIR /app
# No TRUST_PROXY here: on a bare Docker host the socket address is the client; on a Hugging Face Space
# (SPACE_ID set) the proxy trusts the one hop in front by itself.
ENV NODE_ENV=production \
    PORT=7860 \
    HOST=0.0.0.0
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
RUN mkdir -p /app/data && chown 1000:1000 /app/data
USER 1000
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 7860) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# DATA_DIR, when not set explicitly: /data if writable (persistent), else /app/data (lost on rebuild).
CMD ["sh", "-c", "if [ -z \"$DATA_DIR\" ]; then if [ -d /data ] && [ -w /data ]; then export DATA_DIR=/data; echo \"data: /data (persistent storage)\"; else export DATA_DIR=/app/data; echo \"data: /app/data (not persistent: /data is missing or not writable; attach persistent storage to keep the cache)\"; fi; fi; exec bun src/index.ts"]
