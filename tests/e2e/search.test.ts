import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import {
  backends,
  operation,
  registerAdmin,
  registerInstructor,
  settleEvents,
  startTestCampus,
  type TestCampus,
} from "../support";

/**
 * Search as clients use it, through the router, with the operations of
 * schema/operations/discovery.graphql as written: a course is found once
 * published (typos and all), edits and an instructor's new name show up,
 * an archived course is gone, article text is searchable, bad input gets
 * BAD_USER_INPUT, and an admin's rebuild brings back an index whose facts
 * were lost.
 */
const SEARCH = operation("discovery", "SearchCourses");
const SUGGEST = operation("discovery", "SuggestCourses");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ADD_CONTENT = operation("learning", "AddContent");
const UPDATE_COURSE = `mutation($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id } }`;
const ARCHIVE = `mutation($id: ID!) { archiveCourse(id: $id) { id } }`;
const UPDATE_PROFILE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id name } }`;
const REBUILD = `mutation { rebuildSearchIndex { id state } }`;
const STATUS = `query { searchIndexStatus { engine backlog lastRebuild { id state coursesRead documentsWritten error } } }`;

const print = (line: string) => process.stdout.write(`${line}\n`);

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "course search through the router (%s)",
  (name, backend) => {
    let campus: TestCampus;
    let instructor: Awaited<ReturnType<typeof registerInstructor>>;
    // one word no other course has, so each search has exactly one right answer
    const word = `zq${Date.now().toString(36)}`;

    beforeAll(async () => {
      campus = await startTestCampus(backend);
      instructor = await registerInstructor(campus, "Ada Lovelace");
    }, 300_000);
    afterAll(() => campus?.stop());

    async function ok(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const result = await campus.gql(query, variables, token);
      expect(result.errors).toBeUndefined();
      return result.data;
    }

    const search = async (query: string, filter?: Record<string, unknown>, first = 10) =>
      (await ok(SEARCH, { query, first, filter })).searchCourses;

    /** Polls until `found` holds; returns how long it took (the benchmark reports the figure that matters). */
    async function until(what: string, found: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
      const started = Date.now();
      while (!(await found())) {
        if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return Date.now() - started;
    }

    async function publishedCourse(title: string, description: string, modules: string[]) {
      const input = { title, description, level: "BEGINNER", price: { amount: 0, currency: "USD" } };
      const courseId = (await ok(CREATE_COURSE, { input }, instructor.accessToken)).createCourse.id as string;
      const moduleIds: string[] = [];
      for (const module of modules) {
        moduleIds.push(
          (await ok(ADD_MODULE, { courseId, input: { title: module } }, instructor.accessToken)).addModule.id,
        );
      }
      await ok(PUBLISH, { id: courseId }, instructor.accessToken);
      return { courseId, moduleIds };
    }

    const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((edge) => edge.node.id);

    it("finds a course once published, forgives typos, and shows edits, a new instructor name and archiving", async () => {
      const draftTitle = `Pythonic ${word} Patterns`;
      const input = {
        title: draftTitle,
        description: "Idioms for readable code.",
        level: "INTERMEDIATE",
        price: { amount: 2900, currency: "USD" },
      };
      const courseId = (await ok(CREATE_COURSE, { input }, instructor.accessToken)).createCourse.id as string;
      await ok(ADD_MODULE, { courseId, input: { title: "Generators and iterators" } }, instructor.accessToken);
      await settleEvents(campus);
      expect(ids(await search(word))).toEqual([]); // a draft is never found

      await ok(PUBLISH, { id: courseId }, instructor.accessToken);
      const publishedIn = await until("published course searchable", async () =>
        ids(await search(word)).includes(courseId),
      );
      print(
        `[search e2e ${name}] published → searchable in ${publishedIn} ms (through the router, polling every 25 ms)`,
      );

      const found = await search(`pythnic ${word}`);
      expect(ids(found)).toEqual([courseId]);
      const edge = found.edges[0];
      expect(edge.highlight).toContain(`<mark>`);
      expect(edge.node).toMatchObject({
        id: courseId,
        title: draftTitle,
        level: "INTERMEDIATE",
        price: { amount: 2900, currency: "USD" },
      });
      expect(edge.node.instructor).toMatchObject({ id: instructor.id, name: "Ada Lovelace" });
      expect(found.facets.map((facet: { field: string }) => facet.field)).toEqual([
        "CATEGORY",
        "LEVEL",
        "LANGUAGE",
        "PRICE_BAND",
        "FREE",
      ]);
      expect(found.facets.find((f: { field: string }) => f.field === "LEVEL").buckets).toEqual([
        { value: "INTERMEDIATE", label: "Intermediate", count: 1 },
      ]);
      // module titles are searchable
      expect(ids(await search(`${word} generators`))).toEqual([courseId]);

      await ok(UPDATE_COURSE, { id: courseId, input: { description: "Now with decorators." } }, instructor.accessToken);
      await until("edit searchable", async () => ids(await search(`${word} decorators`)).includes(courseId));

      await ok(UPDATE_PROFILE, { input: { name: "Augusta King" } }, instructor.accessToken);
      await until("new instructor name searchable", async () =>
        ids(await search(`${word} augusta`)).includes(courseId),
      );
      expect(ids(await search(`${word} lovelace`))).toEqual([]);

      const suggestions = (await ok(SUGGEST, { prefix: `pythonic ${word.slice(0, 4)}` })).suggestCourses;
      expect(suggestions).toEqual([{ text: draftTitle, course: { id: courseId, slug: expect.any(String) } }]);

      await ok(ARCHIVE, { id: courseId }, instructor.accessToken);
      const archivedIn = await until("archived course gone", async () => ids(await search(word)).length === 0);
      print(`[search e2e ${name}] archived → gone in ${archivedIn} ms`);
      expect((await ok(SUGGEST, { prefix: `pythonic ${word.slice(0, 4)}` })).suggestCourses).toEqual([]);
    });

    it("finds a course by the text of its articles", async () => {
      const { courseId, moduleIds } = await publishedCourse(`Reading ${word}`, "Short texts.", ["Week one"]);
      await ok(
        ADD_CONTENT,
        {
          moduleId: moduleIds[0],
          input: {
            kind: "ARTICLE",
            title: "Welcome",
            body: "We study *photosynthesis* in [plants](https://example.com/plants).",
          },
        },
        instructor.accessToken,
      );
      await until("article text searchable", async () =>
        ids(await search(`${word} photosynthesis`)).includes(courseId),
      );
      expect(ids(await search(`${word} example`))).toEqual([]); // link targets are not text
    });

    it("pages with cursors and refuses what it cannot take", async () => {
      const courses: string[] = [];
      for (let i = 0; i < 5; i += 1)
        courses.push((await publishedCourse(`Paging ${word} ${i}`, "Same words.", ["One"])).courseId);
      await until("five courses searchable", async () => (await search(`paging ${word}`)).totalCount === 5);
      // Cursors page by score, which holds only while the index does: on OpenSearch a course written again
      // between two pages (its later facts) shifts every score. Let search apply all events and make them visible.
      await settleEvents(campus);
      const alias = campus.storageEnv.OPENSEARCH_INDEX_PREFIX;
      if (alias) await fetch(`${process.env.OPENSEARCH_URL}/${alias}/_refresh`, { method: "POST" });
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: {
          edges: { cursor: string; node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        } = (await ok(SEARCH, { query: `paging ${word}`, first: 2, after })).searchCourses;
        seen.push(...ids(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen.sort()).toEqual([...courses].sort());

      const codes = async (variables: Record<string, unknown>) =>
        (await campus.gql(SEARCH, variables)).errors?.map((error) => error.extensions?.code);
      expect(await codes({ query: "x".repeat(201) })).toEqual(["BAD_USER_INPUT"]);
      expect(await codes({ query: "python", after: "bogus" })).toEqual(["BAD_USER_INPUT"]);
      // a cursor of another search
      const first = (await search(`paging ${word}`, undefined, 1)).pageInfo.endCursor;
      expect(await codes({ query: "something else", after: first })).toEqual(["BAD_USER_INPUT"]);
      expect(await codes({ query: "python", first: 500 })).toEqual(["BAD_USER_INPUT"]);
      expect(await codes({ query: "python", filter: { categoryIds: ["not-an-id"] } })).toEqual(["BAD_USER_INPUT"]);
      expect(await codes({ query: "python", filter: { levels: ["EXPERT"] } })).toEqual(["BAD_USER_INPUT"]);
      expect(await codes({ query: "python", filter: { maxPrice: -1 } })).toEqual(["BAD_USER_INPUT"]);
      for (const query of ['"', "-", "*", ":", "(", ")", 'title:("python', "🐍", "' OR 1=1 --", "\\"]) {
        expect(await codes({ query })).toBeUndefined();
      }
      // an unknown category is no error: nothing is in it
      expect((await search("", { categoryIds: ["00000000-0000-4000-8000-000000000000"] })).totalCount).toBe(0);
    });

    it("rebuilds the index from catalog, content and identity after its facts were lost", async () => {
      const admin = await registerAdmin(campus);
      const { courseId, moduleIds } = await publishedCourse(`Rebuilt ${word}`, "Lost and found.", ["Only module"]);
      await ok(
        ADD_CONTENT,
        { moduleId: moduleIds[0], input: { kind: "ARTICLE", title: "Notes", body: "Bioluminescence." } },
        instructor.accessToken,
      );
      await until("course searchable", async () => ids(await search(`${word} bioluminescence`)).includes(courseId));
      await settleEvents(campus);

      // search loses everything it had, facts and index (on either engine), as after a restore gone wrong
      await campus.databases.search.exec(
        `TRUNCATE search."CourseFacts", search."ArticleFacts", search."PersonName", search."CourseIndexEntry"`,
      );
      const emptied = await campus.services.search.index.startRebuild();
      await emptied.activate();
      expect(ids(await search(`rebuilt ${word}`))).toEqual([]);

      const started = (await ok(REBUILD, {}, admin.accessToken)).rebuildSearchIndex;
      expect(started.state).toBe("RUNNING");
      await until(
        "rebuild finished",
        async () => (await ok(STATUS, {}, admin.accessToken)).searchIndexStatus.lastRebuild.state !== "RUNNING",
        60_000,
      );
      const status = (await ok(STATUS, {}, admin.accessToken)).searchIndexStatus;
      expect(status.lastRebuild).toMatchObject({ id: started.id, state: "SUCCEEDED", error: null });
      expect(status.lastRebuild.documentsWritten).toBeGreaterThan(0);
      await settleEvents(campus);
      expect(ids(await search(`rebuilt ${word}`))).toEqual([courseId]);
      expect(ids(await search(`${word} bioluminescence`))).toEqual([courseId]);
      expect((await search(`${word} augusta`)).totalCount).toBeGreaterThan(0); // instructor names came back too
      expect(ids(await search(`${word} pythonic`))).toEqual([]); // archived stays out
    });

    it("pnpm search:reindex rebuilds through the router as an admin, and refuses without credentials", async () => {
      const admin = await registerAdmin(campus);
      const cli = (env: Record<string, string>) =>
        promisify(execFile)(
          process.execPath,
          [
            "-r",
            "@swc-node/register",
            "subgraphs/search/src/cli/search-reindex.ts",
            "--url",
            campus.routerUrl,
            "--email",
            admin.email,
          ],
          { cwd: path.resolve(__dirname, "../.."), env: { ...process.env, ...env }, timeout: 90_000 },
        ).then(
          (result) => ({ code: 0, ...result }),
          (error: { code: number; stdout: string; stderr: string }) => error,
        );
      const refused = await cli({ CAMPUS_ADMIN_PASSWORD: "", CAMPUS_ACCESS_TOKEN: "" });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/CAMPUS_ADMIN_PASSWORD/);
      const rebuilt = await cli({ CAMPUS_ADMIN_PASSWORD: admin.password });
      expect(rebuilt.stdout).toMatch(/done in [\d.]+ s: the new index is live/);
      expect(rebuilt.code).toBe(0);
      expect((await search(`paging ${word}`)).totalCount).toBe(5);
    });
  },
);

describe("course search while OpenSearch is down", () => {
  let campus: TestCampus;
  beforeAll(async () => {
    // nothing listens on port 9 here: every OpenSearch request is refused at once
    campus = await startTestCampus(backends()[0]!, {
      OPENSEARCH_URL: "http://127.0.0.1:9",
      OPENSEARCH_TIMEOUT_MS: "500",
    });
  }, 300_000);
  afterAll(() => campus?.stop());

  it("answers SERVICE_UNAVAILABLE for searches, and the rest of the supergraph keeps working", async () => {
    const search = await campus.gql(SEARCH, { query: "python", first: 5 });
    expect(search.errors?.map((error) => error.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    expect(JSON.stringify(search.errors)).not.toMatch(/ECONNREFUSED|opensearch|9200|127\.0\.0\.1:9/i);
    const suggest = await campus.gql(SUGGEST, { prefix: "py" });
    expect(suggest.errors?.map((error) => error.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);

    // catalog, identity and the course's publication are unaffected; search keeps the change marked for later
    const instructor = await registerInstructor(campus, "Offline Author");
    const input = {
      title: "Written while search is down",
      description: "x",
      level: "BEGINNER",
      price: { amount: 0, currency: "USD" },
    };
    const created = await campus.gql(CREATE_COURSE, { input }, instructor.accessToken);
    expect(created.errors).toBeUndefined();
    const courseId = created.data.createCourse.id as string;
    expect(
      (await campus.gql(ADD_MODULE, { courseId, input: { title: "One" } }, instructor.accessToken)).errors,
    ).toBeUndefined();
    expect((await campus.gql(PUBLISH, { id: courseId }, instructor.accessToken)).errors).toBeUndefined();
    const listed = await campus.gql(operation("mvp", "Courses"), { first: 5 });
    expect(listed.data.courses.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(courseId);
    // the change waits in search's facts until the engine answers again
    const deadline = Date.now() + 10_000;
    while ((await campus.services.search.facts.backlog()) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await campus.services.search.facts.backlog()).toBeGreaterThan(0);
  });
});
