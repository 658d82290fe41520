# Metronome container image.
#
#   docker build -t metronome .
#   docker run -d -p 3000:3000 -v metronome-data:/app/data metronome
#
# Stages:
#   deps       build tools + `npm ci` (all dependencies; better-sqlite3 compiled here)
#   build      TypeScript -> dist/
#   prod-deps  deps pruned to production dependencies (keeps the compiled better-sqlite3)
#   runtime    Debian chromium + fonts + tini, non-root user 10001, dist/ + production node_modules
#
# Plain Dockerfile instructions only (no `RUN <<EOF` heredocs, no BuildKit-only syntax): it must also
# build with podman 4.3. Node 20 instead of 22: --build-arg NODE_IMAGE=node:20-bookworm-slim.
ARG NODE_IMAGE=node:22-bookworm-slim

############################################################ deps
FROM ${NODE_IMAGE} AS deps

# python3/make/g++ for node-gyp: better-sqlite3's prebuilt binary is fetched from GitHub by
# prebuild-install, which is not reachable everywhere; it then compiles from source.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# node-gyp builds against the headers that ship with the image's Node (no download of headers).
ENV npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    PUPPETEER_SKIP_DOWNLOAD=1

COPY package.json package-lock.json ./

# --ignore-scripts: npm 10 does not know package.json's `allowScripts` and would run every install
# script (and the root `prepare` = build, before the sources are copied). Run the allowed ones only.
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 msgpackr-extract \
 && node -e "const D=require('better-sqlite3'); console.log('better-sqlite3 ok, sqlite', new D(':memory:').prepare('select sqlite_version() v').get().v)"

############################################################ build
FROM deps AS build
COPY tsconfig.json tsconfig.build.json tsconfig.sdk.json ./
COPY plugins ./plugins
COPY src ./src
RUN npm run build

############################################################ prod-deps
# Depends only on package*.json, so source changes do not redo it.
FROM deps AS prod-deps
# Only the compiled addon of better-sqlite3 is kept (its sources and object files are ~20 MB).
RUN npm prune --omit=dev --ignore-scripts \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /app \
 && node -e "const D=require('better-sqlite3'); new D(':memory:').close()"

############################################################ runtime
FROM ${NODE_IMAGE} AS runtime

# Chromium from Debian for PDF reports (puppeteer-core never downloads a browser) with its setuid
# sandbox helper (chromium-sandbox), which sandboxes the renderers on hosts whose kernel refuses
# unprivileged user namespaces; the seccomp profile must still allow namespace creation (Podman's
# default does, Docker's does not: see README "Chromium sandbox"). Fonts for emoji/CJK/latin, tini as
# PID 1 (signals, zombie reaping).
# `apt-get clean`: not every base image deletes downloaded .debs by itself (a debootstrap-made
# stand-in keeps ~340 MB of them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium chromium-sandbox fonts-noto-color-emoji fonts-noto-cjk fonts-dejavu-core tini ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 metronome \
 && useradd --system --uid 10001 --gid metronome --create-home --home-dir /home/metronome \
      --shell /usr/sbin/nologin metronome \
 && mkdir -p /app/data \
 && chown metronome:metronome /app/data \
 && chmod 0750 /app/data

WORKDIR /app

ENV NODE_ENV=production \
    PORT=3000 \
    METRONOME_CONFIG=config/metronome.yaml \
    PUPPETEER_SKIP_DOWNLOAD=1 \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    METRONOME_CHROMIUM_PATH=/usr/bin/chromium

# Application files are owned by root and read-only for the app user; only /app/data is writable.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY config ./config
COPY templates ./templates
COPY --from=build /app/dist ./dist

USER 10001:10001
VOLUME /app/data
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const r=require('http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/health',timeout:4000},s=>{s.resume();process.exit(s.statusCode===200?0:1)});r.on('timeout',()=>r.destroy(new Error('timeout')));r.on('error',()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli/main.js", "start"]

# Labels last: a changed revision/date only rewrites metadata, not cached layers.
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Metronome" \
      org.opencontainers.image.description="Self-hosted, config-as-code automation for the social media management cycle: plan, prepare, publish & monitor, review." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
