import { randomUUID } from "node:crypto";
import { signedIdentityHeaders, type Viewer } from "@campus/auth";
import { contentCompleted } from "@campus/events";
import { LoaderRegistry } from "@campus/subgraph";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { admin, FakeCatalog, learner } from "@campus/catalog-client/src/fake-catalog";
import { subgraph, type EnrollmentServices } from "./index";

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe("enrollment subgraph over HTTP", () => {
  let harness: SubgraphHarness<EnrollmentServices>;
  let catalog: FakeCatalog;
  beforeAll(async () => {
    catalog = await FakeCatalog.start();
    harness = await startSubgraph(subgraph, { neighbours: { catalog } });
  });
  afterAll(async () => {
    await harness?.stop();
    await catalog?.stop();
  });

  const post = (viewer: Viewer | null, query: string, variables: Record<string, unknown> = {}) =>
    harness.gql(viewer, query, variables) as Promise<GraphQLResponse>;
  const enroll = (viewer: Viewer, courseId: string) =>
    harness.services.enrollments.enroll(viewer, new LoaderRegistry(), courseId);

  const USER_ENROLLMENTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id enrollments(first: 20) { totalCount edges { node { id status course { id } } } } } } }`;

  it("serves enroll and the viewer's enrollments", async () => {
    const course = catalog.add();
    const viewer = learner();
    const enrolled = await post(
      viewer,
      `mutation($c: ID!) { enroll(courseId: $c) { id status progress course { id } } }`,
      {
        c: course.id,
      },
    );
    expect(enrolled.errors).toBeUndefined();
    expect(enrolled.data?.enroll).toMatchObject({ status: "ACTIVE", progress: 0, course: { id: course.id } });

    const list = await post(
      viewer,
      `{ enrollments(first: 5) { totalCount edges { node { id completedModuleIds } } pageInfo { hasNextPage } } }`,
    );
    expect(list.data?.enrollments).toEqual({
      totalCount: 1,
      edges: [{ node: { id: (enrolled.data?.enroll as { id: string }).id, completedModuleIds: [] } }],
      pageInfo: { hasNextPage: false },
    });
  });

  it("lets a user read their own User.enrollments and an admin anyone's, nobody else", async () => {
    const owner = learner();
    await enroll(owner, catalog.add().id);
    const r = [{ __typename: "User", id: owner.userId }];

    const own = await post(owner, USER_ENROLLMENTS, { r });
    expect(own.errors).toBeUndefined();
    expect(own.data?._entities).toMatchObject([{ id: owner.userId, enrollments: { totalCount: 1 } }]);

    const byAdmin = await post(admin(), USER_ENROLLMENTS, { r });
    expect(byAdmin.data?._entities).toMatchObject([{ enrollments: { totalCount: 1 } }]);

    const other = await post(learner(), USER_ENROLLMENTS, { r });
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(other.data)).not.toContain("totalCount");
  });

  it("resolves Course entities with enrollmentCount and viewerEnrollment", async () => {
    const course = catalog.add();
    const viewer = learner();
    const enrollment = await enroll(viewer, course.id);
    await enroll(learner(), course.id);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id enrollmentCount viewerEnrollment { id status } } } }`;
    const r = [{ __typename: "Course", id: course.id }];

    expect((await post(viewer, query, { r })).data?._entities).toEqual([
      { id: course.id, enrollmentCount: 2, viewerEnrollment: { id: enrollment.id, status: "ACTIVE" } },
    ]);
    expect((await post(null, query, { r })).data?._entities).toEqual([
      { id: course.id, enrollmentCount: 2, viewerEnrollment: null },
    ]);
  });

  it("records a module completed through content as progress, and ignores what does not complete one", async () => {
    const course = catalog.add({ modules: [{ id: randomUUID() }, { id: randomUUID() }] });
    const viewer = learner();
    const enrollment = await enroll(viewer, course.id);
    const completed = (moduleId: string, moduleCompleted: boolean) => {
      const contentId = randomUUID();
      const data = { userId: viewer.userId!, courseId: course.id, moduleId, contentId, moduleCompleted };
      return { topic: contentCompleted.topic, event: contentCompleted.create("/campus/content", contentId, data) };
    };
    const progress = async () =>
      (await harness.services.enrollments.get(viewer, new LoaderRegistry(), enrollment.id))!.progress;

    await harness.publish([completed(course.modules[0]!.id, false), completed(randomUUID(), true)]);
    expect(await progress()).toBe(0);
    await harness.publish([completed(course.modules[0]!.id, true)]);
    expect(await progress()).toBe(0.5);
    await harness.publish([completed(course.modules[1]!.id, true)]);
    expect(await progress()).toBe(1);
  });

  it("refuses root fields to anonymous callers, and any request without the router's proof with 401", async () => {
    const anonymous = await post(null, `{ enrollments { totalCount } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const body = JSON.stringify({ query: `{ enrollments { totalCount } }` });
    const forged = await fetch(harness.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedIdentityHeaders("y".repeat(32), learner(), { method: "POST", path: "/graphql", body }),
      },
      body,
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const unsigned = await fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ _service { sdl } }" }),
    });
    expect(unsigned.status).toBe(401);
  });

  it("answers SERVICE_UNAVAILABLE when neither catalog nor the projection knows the course", async () => {
    harness.setNeighbour("catalog", "http://127.0.0.1:1/graphql");
    try {
      const result = await post(learner(), `mutation($c: ID!) { enroll(courseId: $c) { id } }`, {
        c: catalog.add().id,
      });
      expect(result.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      harness.setNeighbour("catalog", catalog.url);
    }
  });
});
