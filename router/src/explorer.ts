import { readFileSync } from "node:fs";
import path from "node:path";
import type { Route } from "@campus/http";

/**
 * A GraphQL explorer that works without internet: GraphiQL and React from
 * their npm packages, served by the router at /explorer. Apollo Sandbox (the
 * landing page on /graphql) loads its UI from Apollo's CDN and shows a blank
 * page offline; this is the fallback. Both follow the SANDBOX setting.
 */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
};

/** The packages' `exports` hide their UMD builds from require.resolve; read them from the package folder. */
const packageFile = (pkg: string, file: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Campus GraphQL explorer</title>
    <link rel="stylesheet" href="/explorer/graphiql.css" />
    <style>html, body, #explorer { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="explorer">Loading the explorer…</div>
    <script src="/explorer/react.js"></script>
    <script src="/explorer/react-dom.js"></script>
    <script src="/explorer/graphiql.js"></script>
    <script src="/explorer/explorer.js"></script>
  </body>
</html>
`;

// Served as a file rather than inline, so a Content-Security-Policy without 'unsafe-inline' allows it.
const START = `const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
ReactDOM.createRoot(document.getElementById("explorer")).render(
  React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: true }),
);
`;

const cacheFor = (seconds: number) => ({ "cache-control": `public, max-age=${seconds}` });

export function explorerRoutes(): Record<string, Route> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [name, asset] of Object.entries(ASSETS)) {
    files.set(name, { body: readFileSync(packageFile(asset.pkg, asset.file)), type: asset.type });
  }
  files.set("explorer.js", { body: Buffer.from(START), type: "text/javascript" });
  return {
    "/explorer": async () => ({
      status: 200,
      raw: PAGE,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    }),
    "/explorer/": async (req) => {
      const name = new URL(req.url ?? "/", "http://localhost").pathname.slice("/explorer/".length);
      const file = files.get(name);
      if (!file) return { status: 404, body: { error: "not found" } };
      return {
        status: 200,
        raw: file.body,
        headers: { "content-type": `${file.type}; charset=utf-8`, ...cacheFor(3600) },
      };
    },
  };
}
