# One image for the gateway and the three subgraphs; the compose file picks the entry point.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the one of ours makes the PGlite template for `npm start`, and the image
# runs on PostgreSQL; the build needs none of the dependencies' either.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY common common
COPY gateway gateway
COPY subgraphs subgraphs
COPY schema schema
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
# Root owns the code (the app cannot rewrite itself); it runs as the unprivileged `node` user.
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
EXPOSE 4000
# The processes drain requests on SIGTERM (compose/k8s stop) and exit 0; node is PID 1 and handles it.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A heap limit of 1 GB, some 20 times the gateway's live heap: with Node's default on a large
# machine (about 4 GB), V8 lets the old generation grow to four times what survives a full
# collection before it collects again, which put the gateway's peak RSS 90 MB higher under load
# for no CPU saved (docs/operations.md, "Memory"). The benchmark runs the gateway with these flags.
CMD ["node", "--max-old-space-size=1024", "dist/gateway/index.js"]
