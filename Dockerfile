# syntax=docker/dockerfile:1
#
# The temporal-mediaconnect worker image (also runs the MediaConnect simulator, see docker-compose.yml).
#
#   docker build -t temporal-mediaconnect .
#   docker run --rm -e TEMPORAL_ADDRESS=... -e AWS_REGION=... temporal-mediaconnect
#
# Debian (glibc), not Alpine: the Temporal SDK's native core ships for glibc only.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- build: compile TypeScript to lib/ and pre-bundle the workflows ---------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-workflows.ts ./scripts/
RUN npm run build \
 && npx tsx scripts/bundle-workflows.ts lib/workflow-bundle.js

# --- runtime: production dependencies, compiled code, the bundle; no compiler, no sources ------
FROM ${NODE_IMAGE} AS runtime
# Root CA certificates for TLS to Temporal Cloud: the SDK's native core reads the system store,
# which the slim image lacks (Node's own bundled CAs do not help it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/lib ./lib
# Production defaults; everything else (TEMPORAL_*, AWS_*) comes from the environment.
ENV WORKFLOW_BUNDLE_PATH=/app/lib/workflow-bundle.js \
    LOG_FORMAT=json
USER node
# Prometheus metrics, when TEMPORAL_METRICS_BIND_ADDRESS=0.0.0.0:9464.
EXPOSE 9464
CMD ["node", "lib/worker.js"]
