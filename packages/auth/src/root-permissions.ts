import { allow } from "graphql-shield";
import type { ShieldRule } from "graphql-shield/typings/types";
import { isAdmin, isAuthenticated, isInstructor } from "./rules";

/**
 * Root-field RBAC of the public API, enforced by the router before any subgraph
 * is called. A root field missing here is denied: adding a field to a subgraph
 * does not expose it until someone decides who may call it.
 */
export const rootPermissions: { Query: Record<string, ShieldRule>; Mutation: Record<string, ShieldRule> } = {
  Query: {
    // public: browsing the catalog
    courses: allow,
    course: allow,
    courseBySlug: allow,
    categories: allow,
    // signed in
    me: isAuthenticated,
    enrollments: isAuthenticated,
    enrollment: isAuthenticated,
    // admin
    users: isAdmin,
    user: isAdmin,
  },
  Mutation: {
    // public: getting a session
    register: allow,
    login: allow,
    refreshTokens: allow,
    // signed in
    logout: isAuthenticated,
    changePassword: isAuthenticated,
    updateProfile: isAuthenticated,
    becomeInstructor: isAuthenticated,
    enroll: isAuthenticated,
    updateProgress: isAuthenticated,
    cancelEnrollment: isAuthenticated,
    // instructors (resource ownership is checked by the catalog subgraph)
    createCourse: isInstructor,
    updateCourse: isInstructor,
    publishCourse: isInstructor,
    archiveCourse: isInstructor,
    addModule: isInstructor,
    renameModule: isInstructor,
    reorderModules: isInstructor,
    removeModule: isInstructor,
    // admin
    createCategory: isAdmin,
    grantRole: isAdmin,
    revokeRole: isAdmin,
    disableUser: isAdmin,
  },
};
