# The vvp-operator image. Build from the repository root after `npm run build`
# (tsup writes dist/operator.js):
#   docker build -t vvp-operator:0.1.0 .
# Not built in CI here (no Docker engine on these machines).

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Production dependencies only, exactly as locked. client-node is an optional
# peer dependency of the library but required by the operator: install it too.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm install --no-save --omit=dev --ignore-scripts --no-audit --no-fund @kubernetes/client-node@1.4.0 \
 && npm cache clean --force
COPY dist/ ./dist/
COPY openapi/ ./openapi/
# The image's "node" user, numerically, so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8081 9443
ENTRYPOINT ["node", "--enable-source-maps", "dist/operator.js"]
