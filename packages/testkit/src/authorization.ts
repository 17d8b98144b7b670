/**
 * The vocabulary of the authorization matrix (tests/e2e/authorization-matrix.test.ts).
 * Each subgraph states, in `src/<name>.authorization.ts` beside its
 * permissions, what every role must get from each of its root fields (and from
 * the resource rules it owns); the matrix finds those files through the list,
 * calls every case through the router as every role and fails for a root field
 * of the supergraph that no subgraph's file covers.
 */

export const ROLES = ["anonymous", "learner", "instructor", "otherInstructor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const EVERYONE: readonly Role[] = ROLES;
export const SIGNED_IN: readonly Role[] = ["learner", "instructor", "otherInstructor", "admin"];
export const INSTRUCTORS: readonly Role[] = ["instructor", "otherInstructor", "admin"];
/** "instructor" owns every course, module and enrollment course of the fixtures; "otherInstructor" none. */
export const OWNER_OR_ADMIN: readonly Role[] = ["instructor", "admin"];
export const LEARNER_OR_ADMIN: readonly Role[] = ["learner", "admin"];
export const LEARNER_ONLY: readonly Role[] = ["learner"];
export const ADMIN_ONLY: readonly Role[] = ["admin"];

/** A signed-in account as tests hold it. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface MatrixCourse {
  id: string;
  slug: string;
  moduleIds: string[];
}

/** What the matrix sets up once per backend before any case runs. */
export interface MatrixFixtures {
  users: Record<Exclude<Role, "anonymous">, TestUser>;
  categoryId: string;
  /** Published, free, two modules, owned by the instructor; the learner is enrolled. */
  published: MatrixCourse;
  enrollmentId: string;
  /** A draft with two modules, owned by the instructor. */
  draft: MatrixCourse;
  /** Published, the learner enrolled, then archived; owned by the instructor. */
  archived: MatrixCourse;
}

export interface MatrixHelpers {
  f: MatrixFixtures;
  /** A new course of the instructor (free unless `price` says otherwise). */
  course(options: {
    modules: number;
    publish: boolean;
    price?: { amount: number; currency: string };
  }): Promise<MatrixCourse>;
  /** Calls the router as `role` (its fixture account) and returns `data`; throws on errors. */
  call(role: Role, query: string, variables?: Record<string, unknown>): Promise<any>;
  /** A new FULFILLED order of the learner for a new paid course of the instructor. */
  paidOrder(): Promise<{ orderId: string; courseId: string }>;
  /** A new account with the role's roles (a new admin for "admin"). */
  freshUser(role: Role): Promise<TestUser | undefined>;
  /** A new session of the role's fixture account (the learner's for anonymous). */
  freshSession(role: Role): Promise<TestUser>;
  /** A new ACTIVE enrollment of the learner in a new course of the instructor. */
  freshEnrollment(): Promise<string>;
}

export interface MatrixCall {
  variables?: Record<string, unknown>;
  /** Token to call with instead of the role's fixture token (undefined for anonymous stays anonymous). */
  as?: TestUser;
}

export interface AuthorizationCase {
  /** The roles that may; every other role must be refused (or, with `visible`, not see the resource). */
  allowed: readonly Role[];
  query: string;
  prepare?: (role: Role, h: MatrixHelpers) => Promise<MatrixCall>;
  /** For allowed calls: throws when the answer is not what the role should get. */
  check?: (data: any, role: Role, call: MatrixCall, h: MatrixHelpers) => void;
  /** What signed-in roles that may not get instead of FORBIDDEN: NOT_FOUND where ids must not be probed. */
  refusedAs?: "NOT_FOUND";
  /** For resource rules that hide instead of refusing: false when the resource is not in the answer. */
  visible?: (data: any, h: MatrixHelpers) => boolean;
}

/** What a subgraph's `<name>.authorization.ts` exports. */
export interface SubgraphAuthorization {
  /** `Query.<field>` / `Mutation.<field>` → its case: one per root field the subgraph serves. */
  roots: Record<string, AuthorizationCase>;
  /** Rules below the root fields, named after what they protect. */
  resources?: Record<string, AuthorizationCase>;
}

/** The course input the matrix's fixtures and cases create courses with. */
export const MATRIX_COURSE_INPUT = {
  description: "Who may do what",
  level: "BEGINNER",
  price: { amount: 0, currency: "USD" },
};

let sequence = 0;
/** A title, name or email part no other call of this run used. */
export const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(sequence += 1)}`;

/** A case's check: throws `what` unless `condition` holds. */
export function expectThat(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}
