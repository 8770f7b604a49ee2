# The vvp-operator image. Build from the repository root after `npm run build`
# (tsup writes dist/operator.js):
#   docker build -t vvp-operator:0.1.0 .
# Not built in CI here (no Docker engine on these machines): instead
# scripts/check-image.mjs carries out these steps in an empty folder, exactly
# as written here, and starts the operator from it against a fake API server.

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# The image's own locked manifest (deploy/image/): the operator's runtime
# dependencies and @kubernetes/client-node 1.4.0, which the library takes as
# an optional peer but the operator needs. Nothing else is installed.
COPY deploy/image/package.json deploy/image/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY dist/ ./dist/
COPY openapi/ ./openapi/
# The image's "node" user, numerically, so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8081 9443
ENTRYPOINT ["node", "--enable-source-maps", "dist/operator.js"]
