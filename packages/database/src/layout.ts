import path from "node:path";

/** The repository root, found from this file so scripts work from any cwd. */
export const REPO_ROOT = path.resolve(__dirname, "../../..");

/** Each subgraph's Prisma schema and migrations live under prisma/<subgraph>/. */
export function prismaDir(subgraph: string) {
  return path.join(REPO_ROOT, "prisma", subgraph);
}

export function migrationsDir(subgraph: string) {
  return path.join(prismaDir(subgraph), "migrations");
}
