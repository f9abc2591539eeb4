# proxy-gpt for a Hugging Face Space (Docker SDK) or any Docker host.
# Runs as uid 1000 (what Spaces require) and listens on 7860.

FROM oven/bun:1.4.5-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; Bun reads package-lock.json, so both package managers install the same tree.
RUN bun install --production --frozen-lockfile --ignore-scripts

FROM oven/bun:1.4.5-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=7860 \
    HOST=0.0.0.0 \
    TRUST_PROXY=1 \
    DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
USER 1000
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 7860) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "src/index.ts"]
