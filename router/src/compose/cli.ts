import { writeFileSync } from "node:fs";
import path from "node:path";
import { commandLine } from "@campus/config";
import { createLogger } from "@campus/logging";
import { composeSupergraph } from "./compose";

commandLine({
  usage: "pnpm compose",
  description:
    "Prints each subgraph's SDL from its code into schema/<subgraph>.graphql and composes them offline into\n" +
    "schema/supergraph.graphql, the file the router serves (tests/schema fails when it is stale).",
  options: {},
  help: {},
});

/** `pnpm compose`: writes schema/<subgraph>.graphql and schema/supergraph.graphql. */
const logger = createLogger("compose");
const schemaDir = path.resolve(__dirname, "../../../schema");
const result = composeSupergraph();
for (const hint of result.hints) logger.warn({ hint }, "composition hint");
if (!result.supergraphSdl) {
  for (const error of result.errors) logger.error({ error }, "composition error");
  process.exit(1);
}
for (const subgraph of result.subgraphs) writeFileSync(path.join(schemaDir, `${subgraph.name}.graphql`), subgraph.sdl);
writeFileSync(path.join(schemaDir, "supergraph.graphql"), result.supergraphSdl);
logger.info({ subgraphs: result.subgraphs.map((s) => s.name) }, "supergraph written");
