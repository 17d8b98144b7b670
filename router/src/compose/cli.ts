import { writeFileSync } from "node:fs";
import path from "node:path";
import { commandLine } from "@campus/config";
import { createLogger } from "@campus/logging";
import { composeSupergraph } from "./compose";
import { syncDeploymentFiles } from "./deployment";

commandLine({
  usage: "pnpm compose",
  description:
    "Prints each subgraph's SDL from its code into subgraphs/<name>/schema.graphql and composes them offline into\n" +
    "schema/supergraph.graphql, the file the router serves, and rewrites the parts of docker-compose.yml,\n" +
    ".env.example, infra/docker/Dockerfile and infra/postgres that follow from the list in supergraph.ts\n" +
    "(tests/schema and tests/compose fail while any of them is stale).",
  options: {},
  help: {},
});

/** `pnpm compose`: writes subgraphs/<name>/schema.graphql and schema/supergraph.graphql. */
const logger = createLogger("compose");
const root = path.resolve(__dirname, "../../..");
const result = composeSupergraph();
for (const hint of result.hints) logger.warn({ hint }, "composition hint");
if (!result.supergraphSdl) {
  for (const error of result.errors) logger.error({ error }, "composition error");
  process.exit(1);
}
for (const subgraph of result.subgraphs) {
  writeFileSync(path.join(root, "subgraphs", subgraph.name, "schema.graphql"), subgraph.sdl);
}
writeFileSync(path.join(root, "schema", "supergraph.graphql"), result.supergraphSdl);
const synced = syncDeploymentFiles();
logger.info({ subgraphs: result.subgraphs.map((s) => s.name), deploymentFilesChanged: synced }, "supergraph written");
