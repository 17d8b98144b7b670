/**
 * The subgraphs of Campus, in one list. Everything that runs, serves, tests,
 * migrates or deploys "every subgraph" reads it: the router (URLs, the root
 * fields' permissions, `pnpm compose`), the embedded runtime (`pnpm dev`),
 * the test kit, `pnpm migrate`, `pnpm events:replay`, and the generated parts
 * of docker-compose.yml, .env.example, infra/docker and infra/postgres
 * (`pnpm supergraph:sync`; tests/compose fails when they are stale).
 *
 * Adding a subgraph is a folder `subgraphs/<name>/` (see docs/architecture.md,
 * "Add a subgraph") and one line here. From the name follow, by convention:
 * its package `@campus/<name>`, its database schema `<name>`, its settings
 * `<NAME>_DATABASE_URL` and `<NAME>_URL`, its event topic
 * `campus.<name>.events` and its database `campus_<name>` in docker compose.
 *
 * Plain data on purpose: nothing here imports code, so any package may read
 * it without depending on the subgraphs.
 */
export interface SubgraphEntry {
  /** Lower-case letters: the folder, the package and the database schema. */
  readonly name: string;
  /** Default port of its standalone process and in `pnpm dev`. */
  readonly port: number;
}

export const SUBGRAPHS: readonly SubgraphEntry[] = [
  { name: "identity", port: 4001 },
  { name: "catalog", port: 4002 },
  { name: "enrollment", port: 4003 },
  { name: "commerce", port: 4004 },
  { name: "content", port: 4005 },
  { name: "assessment", port: 4006 },
  { name: "search", port: 4007 },
  { name: "notification", port: 4008 },
  { name: "analytics", port: 4009 },
];

/** The router's default port; subgraphs take the ports after it. */
export const ROUTER_PORT = 4000;
