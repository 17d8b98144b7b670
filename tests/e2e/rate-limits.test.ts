import { backends, startTestCampus, type GraphQLResult, type TestCampus } from "../support";

/**
 * Session fields (register, login, refreshTokens) have a budget per client IP
 * each, and every occurrence counts: aliases cannot multiply it, and adding
 * other root fields to the document cannot open a fresh window.
 */
const BUDGET = 5;
const codeOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "rate limits on session fields (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    beforeAll(async () => {
      campus = await startTestCampus(backend, { RATE_LIMIT_AUTH_PER_MINUTE: String(BUDGET) });
    });
    afterAll(() => campus?.stop());

    const users = async () =>
      Number(
        (await campus.databases.identity.query<{ n: string }>(`SELECT count(*) AS n FROM "identity"."User"`))[0]!.n,
      );

    it("aliases of register count one each: 6 in one request against a budget of 5 make no account", async () => {
      const before = await users();
      const registers = Array.from(
        { length: BUDGET + 1 },
        (_, i) =>
          `r${i}: register(input: { email: "alias${i}.${Date.now()}@example.com", password: "a long passphrase", name: "A" }) { accessToken }`,
      ).join("\n");
      const answer = await campus.gql(`mutation { ${registers} }`);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 429, code: "RATE_LIMITED" });
      expect(answer.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await users()).toBe(before);
    });

    it("once login's budget is spent, no combination of root fields opens a new one", async () => {
      const login = `login(email: "nobody@example.com", password: "wrong password")`;
      for (let i = 0; i < BUDGET; i += 1) {
        expect(codeOf(await campus.gql(`mutation { ${login} { accessToken } }`))).toBe("UNAUTHENTICATED");
      }
      for (const query of [
        `mutation { ${login} { accessToken } }`,
        `mutation { __typename ${login} { accessToken } }`,
        `mutation { ${login} { accessToken } refreshTokens(refreshToken: "x") { accessToken } }`,
        `mutation { a: ${login} { accessToken } b: ${login} { accessToken } }`,
        `mutation Other { ${login} { accessToken } register(input: { email: "x${Date.now()}@example.com", password: "a long passphrase", name: "X" }) { accessToken } }`,
      ]) {
        const answer = await campus.gql(query);
        expect({ query, status: answer.status, code: codeOf(answer) }).toEqual({
          query,
          status: 429,
          code: "RATE_LIMITED",
        });
      }
    });

    it("each session field keeps its own budget", async () => {
      // login is spent (previous test); refreshTokens is not
      const answer = await campus.gql(`mutation { refreshTokens(refreshToken: "not a token") { accessToken } }`);
      expect(codeOf(answer)).toBe("UNAUTHENTICATED");
    });
  },
);
