# forcebridge in a container: the package as npm would install it, on node:20-slim, run as the
# image's non-root `node` user with its data (store, master key file, services) in /data.
# One image for every deployment: a single node (SQLite in /data, docs/production.md) or each node
# of a cluster, which differs only by its environment (FORCEBRIDGE_DATABASE_URL, FORCEBRIDGE_REDIS_URL,
# the shared FORCEBRIDGE_SECRET_KEY; docs/cluster.md, deploy/cluster/compose.yaml).
# Build: docker build -t forcebridge .

# Stage 1: build and pack the package, exactly what `npm publish` would ship.
FROM node:20-slim AS pack
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: compiling TypeScript needs neither native modules nor esbuild's binary.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build \
 && mkdir /pack \
 && npm pack --ignore-scripts --pack-destination /pack \
 && mv /pack/forcebridge-*.tgz /pack/forcebridge.tgz

# Stage 2: install the packed package with its runtime dependencies only.
FROM node:20-slim
ENV NODE_ENV=production \
    FORCEBRIDGE_HOME=/data \
    FORCEBRIDGE_HOST=0.0.0.0 \
    FORCEBRIDGE_PORT=8400
COPY --from=pack /pack/forcebridge.tgz /tmp/forcebridge.tgz
# better-sqlite3 fetches its prebuilt binary here (slim has no compiler to build one).
RUN npm install --global /tmp/forcebridge.tgz \
 && rm /tmp/forcebridge.tgz \
 && npm cache clean --force \
 && mkdir -p /data \
 && chown node:node /data \
 && chmod 700 /data
USER node
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8400
# slim has no curl: Node's own fetch asks /healthz, which answers 200 while the process serves.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.FORCEBRIDGE_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains requests and jobs; give it FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS plus a
# margin with `docker stop -t 40`.
CMD ["forcebridge", "start"]
