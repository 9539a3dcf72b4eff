# syntax=docker/dockerfile:1
# Ciclo's image: the API by default; the worker and the `ciclo` command run from the same image
# (docker-compose.yml). Two stages: `build` compiles TypeScript with every dependency; `runtime`
# holds only the production dependencies, the compiled code and the seeds, and runs as `node`.
# test/deployment/production-install.spec.ts reads this file and runs the same steps (see README).

FROM node:22.20.0-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22.20.0-trixie-slim AS runtime
# pg_dump and pg_restore for `ciclo backup` / `ciclo restore` (PostgreSQL 17 client: same major as compose's server).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/scripts/register-paths.js ./scripts/register-paths.js
COPY --from=build /app/seeds ./seeds
USER node
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "-r", "./scripts/register-paths.js", "dist/apps/api/src/main.js"]
