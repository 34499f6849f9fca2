# syntax=docker/dockerfile:1
#
# The temporal-mediaconnect worker image (also runs the MediaConnect simulator, see docker-compose.yml).
#
#   docker build -t temporal-mediaconnect .
#   docker run --rm -e TEMPORAL_ADDRESS=... -e AWS_REGION=... temporal-mediaconnect
#
# Node.js 26, the Active LTS line (Node 20 is past its end of life). Debian (glibc), not Alpine:
# the Temporal SDK's native core ships for glibc only.
ARG NODE_IMAGE=node:26.12.1-trixie-slim

# --- build: compile TypeScript to lib/, pre-bundle the workflows, prune to production modules -----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && node lib/cli/main.js bundle lib/workflow-bundle.js
# The image is the package's consumer: the @temporalio packages, peer dependencies of the library
# (and so dev dependencies of this repository's lock file), become its dependencies at the versions
# the lock file installed, before everything else that only builds and tests is pruned.
RUN node -e "const fs = require('fs'); const p = require('./package.json'); \
for (const name of Object.keys(p.peerDependencies)) { p.dependencies[name] = p.devDependencies[name]; delete p.devDependencies[name]; } \
fs.writeFileSync('package.json', JSON.stringify(p, null, 2));" \
 && rm package-lock.json node_modules/.package-lock.json \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: production modules, compiled code, the bundle; no compiler, no sources ---------------
FROM ${NODE_IMAGE} AS runtime
# Root CA certificates for TLS to Temporal Cloud: the SDK's native core reads the system store,
# which the slim image lacks (Node's own bundled CAs do not help it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
# Production defaults; everything else (TEMPORAL_*, AWS_*) comes from the environment.
ENV WORKFLOW_BUNDLE_PATH=/app/lib/workflow-bundle.js \
    LOG_FORMAT=json
USER node
# Prometheus metrics, when TEMPORAL_METRICS_BIND_ADDRESS=0.0.0.0:9464.
EXPOSE 9464
# The installed package's own command: `temporal-mediaconnect worker`.
CMD ["node", "lib/cli/main.js", "worker"]
