import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { EnrollmentRow } from "../data/enrollment.prisma";
import type { EnrollmentService } from "../service/enrollment.service";
import { CourseEntity, Enrollment, EnrollmentConnection, UserEntity } from "./enrollment.types";

// Prisma's row carries every GraphQL field of Enrollment plus the ids its references are built from.
const asEnrollment = (row: EnrollmentRow | null) => row as unknown as Enrollment | null;

@Resolver(() => Enrollment)
export class EnrollmentResolver {
  constructor(private readonly service: EnrollmentService) {}

  @Query(() => EnrollmentConnection, { description: "The signed-in user's enrollments, newest first." })
  enrollments(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.service.listForViewer(ctx.viewer, ctx.loaders, first, after);
  }

  @Query(() => Enrollment, { nullable: true, description: "The learner's own, or any for admins; null if unknown." })
  async enrollment(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asEnrollment(await this.service.get(ctx.viewer, ctx.loaders, id));
  }

  @Mutation(() => Enrollment, {
    description: "Free, published courses only; enrolling again after cancelling reactivates.",
  })
  async enroll(@Arg("courseId", () => ID) courseId: string, @Ctx() ctx: SubgraphContext) {
    return asEnrollment(await this.service.enroll(ctx.viewer, ctx.loaders, courseId));
  }

  @Mutation(() => Enrollment, { description: "Marks a module of the course completed or not; idempotent." })
  async updateProgress(
    @Arg("enrollmentId", () => ID) enrollmentId: string,
    @Arg("moduleId", () => ID) moduleId: string,
    @Arg("completed", () => Boolean) completed: boolean,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asEnrollment(await this.service.updateProgress(ctx.viewer, ctx.loaders, enrollmentId, moduleId, completed));
  }

  @Mutation(() => Enrollment, { description: "The learner or an admin; frees the seat." })
  async cancelEnrollment(@Arg("enrollmentId", () => ID) enrollmentId: string, @Ctx() ctx: SubgraphContext) {
    return asEnrollment(await this.service.cancel(ctx.viewer, enrollmentId));
  }

  @FieldResolver(() => [ID])
  completedModuleIds(@Root() enrollment: Enrollment, @Ctx() ctx: SubgraphContext) {
    return this.service.completedModuleIds(ctx.loaders, enrollment.id);
  }

  @FieldResolver(() => CourseEntity, { description: "Resolved by the catalog subgraph." })
  course(@Root() enrollment: Enrollment): CourseEntity {
    return { id: enrollment.courseId };
  }

  @FieldResolver(() => UserEntity, { description: "Resolved by the identity subgraph." })
  user(@Root() enrollment: Enrollment): UserEntity {
    return { id: enrollment.userId };
  }
}

@Resolver(() => CourseEntity)
export class CourseEnrollmentResolver {
  constructor(private readonly service: EnrollmentService) {}

  @FieldResolver(() => Int, { description: "ACTIVE and COMPLETED enrollments." })
  enrollmentCount(@Root() course: CourseEntity, @Ctx() ctx: SubgraphContext) {
    return this.service.enrollmentCount(ctx.loaders, course.id);
  }

  @FieldResolver(() => Enrollment, { nullable: true, description: "The signed-in user's enrollment, any status." })
  async viewerEnrollment(@Root() course: CourseEntity, @Ctx() ctx: SubgraphContext) {
    return asEnrollment(await this.service.viewerEnrollment(ctx.viewer, ctx.loaders, course.id));
  }
}

@Resolver(() => UserEntity)
export class UserEnrollmentResolver {
  constructor(private readonly service: EnrollmentService) {}

  @FieldResolver(() => EnrollmentConnection, { description: "The user themself or an admin; newest first." })
  enrollments(
    @Root() user: UserEntity,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    // Who may read this is the shield rule's job (schema/permissions.ts).
    return this.service.listForUser(ctx.loaders, user.id, first, after);
  }
}
