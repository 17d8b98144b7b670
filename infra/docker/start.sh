#!/bin/sh
# Container entrypoint: starts the package named by $SERVICE the same way its
# package.json "start" script does, with exec so node is the signalled process.
set -eu
case "${SERVICE:-}" in
  router) dir=router ;;
  identity | catalog | enrollment) dir="subgraphs/${SERVICE}" ;;
  *)
    echo "SERVICE must be one of: router, identity, catalog, enrollment (got '${SERVICE:-}')" >&2
    exit 64
    ;;
esac
cd "/app/${dir}"
exec node -r @swc-node/register src/main.ts
