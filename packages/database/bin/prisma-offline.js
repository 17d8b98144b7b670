#!/usr/bin/env node
// Runs the Prisma CLI without its native engines (see docs/database.md).
// Prisma 6 insists on an engine path even for commands that never load one
// (`generate`, `migrate diff` with the JS engine), and tries to download it
// when none is given; these machines have no route to that download. Any
// existing file satisfies the check, so point the variables at this script.
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || __filename,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY || __filename,
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};
const cli = require.resolve("prisma/build/index.js", { paths: [path.join(__dirname, "..")] });
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env,
  cwd: process.cwd(),
});
process.exit(result.status ?? 1);
