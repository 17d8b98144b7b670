#!/bin/sh
# Container entrypoint: starts the service named by $SERVICE the way its package's
# "start" script does, with exec so node is the signalled process. The router has
# its own main; every subgraph starts through the kit's one standalone entry.
set -eu
case "${SERVICE:-}" in
  router)
    cd /app/router
    exec node -r @swc-node/register src/main.ts
    ;;
  "" | */* | .*)
    echo "SERVICE must be router or the name of a subgraph (a folder of subgraphs/), got '${SERVICE:-}'" >&2
    exit 64
    ;;
esac
if [ ! -d "/app/subgraphs/${SERVICE}" ]; then
  echo "SERVICE must be router or the name of a subgraph (a folder of subgraphs/), got '${SERVICE}'" >&2
  exit 64
fi
cd "/app/subgraphs/${SERVICE}"
exec node -r @swc-node/register ../../packages/subgraph/src/standalone.ts
