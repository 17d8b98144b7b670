import { commandLine } from "@campus/config";

/**
 * `pnpm search:reindex [--url <router>] [--email <admin>]`
 *
 * Rebuilds the search index the way an operator would: signs in to the
 * router as an admin, calls `rebuildSearchIndex` (search reloads its facts
 * from catalog, content and identity and fills a new index while the live one
 * serves, then swaps) and follows `searchIndexStatus` until it is done. The
 * running Campus does the work, so this works the same on `pnpm dev`
 * (PGlite) and in production. docs/search.md.
 */
const args = commandLine({
  usage: "pnpm search:reindex [--url <router GraphQL URL>] [--email <admin email>]",
  description:
    "Rebuilds the search index from catalog, content and identity while the live index keeps serving, then\n" +
    "swaps it in, through the running router. Signs in as an admin: CAMPUS_ADMIN_PASSWORD (with --email), or\n" +
    "an admin's access token in CAMPUS_ACCESS_TOKEN. On `pnpm dev`:\n" +
    "  CAMPUS_ADMIN_PASSWORD=campus-demo-password pnpm search:reindex",
  options: {
    url: { type: "string", default: "http://127.0.0.1:4000/graphql" },
    email: { type: "string", default: "campus.admin@campus.test" },
  },
  help: {
    url: "the router's GraphQL endpoint (default http://127.0.0.1:4000/graphql)",
    email: "the admin to sign in as, with CAMPUS_ADMIN_PASSWORD (default campus.admin@campus.test)",
  },
});

const POLL_MS = 500;
const out = (line: string) => process.stdout.write(`${line}\n`);

async function call<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(args.values.url as string, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const payload = (await response.json().catch(() => ({}))) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (payload.errors?.length || !payload.data) {
    const [first] = payload.errors ?? [];
    throw new Error(first ? `${first.extensions?.code ?? "ERROR"}: ${first.message}` : `HTTP ${response.status}`);
  }
  return payload.data;
}

async function accessToken(): Promise<string> {
  const given = process.env.CAMPUS_ACCESS_TOKEN?.trim();
  if (given) return given;
  const password = process.env.CAMPUS_ADMIN_PASSWORD;
  if (!password) throw new Error("set CAMPUS_ADMIN_PASSWORD (or CAMPUS_ACCESS_TOKEN): the rebuild is for admins");
  const data = await call<{ login: { accessToken: string } }>(
    `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`,
    { email: args.values.email, password },
  );
  return data.login.accessToken;
}

interface Rebuild {
  id: string;
  state: "RUNNING" | "SUCCEEDED" | "FAILED";
  coursesRead: number;
  documentsWritten: number;
  error: string | null;
}

async function main(): Promise<number> {
  const token = await accessToken();
  const started = Date.now();
  const { rebuildSearchIndex: run } = await call<{ rebuildSearchIndex: Rebuild }>(
    `mutation { rebuildSearchIndex { id state coursesRead documentsWritten error } }`,
    {},
    token,
  );
  out(`search index rebuild ${run.id} started`);
  let shown = "";
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const { searchIndexStatus } = await call<{ searchIndexStatus: { engine: string; lastRebuild: Rebuild | null } }>(
      `query { searchIndexStatus { engine lastRebuild { id state coursesRead documentsWritten error } } }`,
      {},
      token,
    );
    const last = searchIndexStatus.lastRebuild;
    if (!last || last.id !== run.id) throw new Error("the rebuild's status is gone (the shared store was reset?)");
    const line = `${searchIndexStatus.engine}: ${last.coursesRead} courses read, ${last.documentsWritten} documents written`;
    if (line !== shown) out((shown = line));
    if (last.state === "SUCCEEDED") {
      out(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: the new index is live`);
      return 0;
    }
    if (last.state === "FAILED") {
      out(`failed: ${last.error ?? "unknown"} (the previous index is still live)`);
      return 1;
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`search:reindex failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
