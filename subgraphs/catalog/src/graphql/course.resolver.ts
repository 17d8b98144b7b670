import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { CategoryRow, CourseRecord, ModuleRow } from "../data/catalog.prisma";
import type { CourseService } from "../service/course.service";
import { AddModuleInput, CourseFilter, CreateCourseInput, UpdateCourseInput } from "./course.inputs";
import { Money } from "@campus/subgraph";
import { Category, Course, CourseConnection, Module, UserReference } from "./course.types";

// Rows carry the columns the object types declare; the rest is added by field resolvers.
const asCourse = (row: CourseRecord) => row as unknown as Course;
const asModule = (row: ModuleRow) => row as unknown as Module;
const asCategory = (row: CategoryRow) => row as unknown as Category;

@Resolver(() => Course)
export class CourseQueryResolver {
  constructor(private readonly catalog: CourseService) {}

  @Query(() => CourseConnection, { description: "Published courses, newest first (see CourseFilter.instructorId)." })
  courses(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => CourseFilter, { nullable: true }) filter: CourseFilter | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.catalog.listCourses(ctx.viewer, first, after, filter ?? {});
  }

  @Query(() => Course, { nullable: true, description: "Drafts only for their instructor and admins." })
  async course(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const course = await this.catalog.course(ctx.viewer, ctx.loaders, id);
    return course && asCourse(course);
  }

  @Query(() => Course, { nullable: true })
  async courseBySlug(@Arg("slug", () => String) slug: string, @Ctx() ctx: SubgraphContext) {
    const course = await this.catalog.courseBySlug(ctx.viewer, ctx.loaders, slug);
    return course && asCourse(course);
  }

  @Query(() => [Category])
  async categories() {
    return (await this.catalog.listCategories()).map(asCategory);
  }
}

@Resolver(() => Course)
export class CourseFieldsResolver {
  constructor(private readonly catalog: CourseService) {}

  @FieldResolver(() => Money)
  price(@Root() course: CourseRecord): Money {
    return { amount: course.priceAmount, currency: course.priceCurrency };
  }

  @FieldResolver(() => UserReference)
  instructor(@Root() course: CourseRecord): UserReference {
    return { id: course.instructorId };
  }

  @FieldResolver(() => Category, { nullable: true })
  async category(@Root() course: CourseRecord, @Ctx() ctx: SubgraphContext) {
    const category = await this.catalog.categoryOf(ctx.loaders, course);
    return category && asCategory(category);
  }

  @FieldResolver(() => [Module], { description: "In position order." })
  async modules(@Root() course: CourseRecord, @Ctx() ctx: SubgraphContext) {
    return (await this.catalog.modulesOf(ctx.loaders, course)).map(asModule);
  }
}

@Resolver(() => Module)
export class ModuleFieldsResolver {
  constructor(private readonly catalog: CourseService) {}

  // Other subgraphs learn a module's course from it (content: who may add to it); the course's own rules apply.
  @FieldResolver(() => Course, { description: "The course the module belongs to." })
  async course(@Root() module: ModuleRow, @Ctx() ctx: SubgraphContext) {
    const course = await this.catalog.reference(ctx.loaders, module.courseId);
    return course && asCourse(course);
  }
}

@Resolver(() => Course)
export class CourseMutationResolver {
  constructor(private readonly catalog: CourseService) {}

  @Mutation(() => Course, { description: "Creates a DRAFT course taught by the caller." })
  async createCourse(@Arg("input", () => CreateCourseInput) input: CreateCourseInput, @Ctx() ctx: SubgraphContext) {
    return asCourse(await this.catalog.createCourse(ctx.viewer, input));
  }

  @Mutation(() => Course)
  async updateCourse(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateCourseInput) input: UpdateCourseInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asCourse(await this.catalog.updateCourse(ctx.viewer, id, input));
  }

  @Mutation(() => Course, { description: "Needs at least one module; publishing again changes nothing." })
  async publishCourse(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asCourse(await this.catalog.publishCourse(ctx.viewer, id));
  }

  @Mutation(() => Course, { description: "Leaves the listing; stays readable by id for enrolled learners." })
  async archiveCourse(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asCourse(await this.catalog.archiveCourse(ctx.viewer, id));
  }

  @Mutation(() => Module, { description: "Appends the module after the course's last one." })
  async addModule(
    @Arg("courseId", () => ID) courseId: string,
    @Arg("input", () => AddModuleInput) input: AddModuleInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asModule(await this.catalog.addModule(ctx.viewer, courseId, input));
  }

  @Mutation(() => Module)
  async renameModule(
    @Arg("moduleId", () => ID) moduleId: string,
    @Arg("title", () => String) title: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asModule(await this.catalog.renameModule(ctx.viewer, moduleId, title));
  }

  @Mutation(() => Course, { description: "moduleIds must list every module of the course once, in the new order." })
  async reorderModules(
    @Arg("courseId", () => ID) courseId: string,
    @Arg("moduleIds", () => [ID]) moduleIds: string[],
    @Ctx() ctx: SubgraphContext,
  ) {
    return asCourse(await this.catalog.reorderModules(ctx.viewer, courseId, moduleIds));
  }

  @Mutation(() => Course, { description: "Returns the course with its remaining modules renumbered." })
  async removeModule(@Arg("moduleId", () => ID) moduleId: string, @Ctx() ctx: SubgraphContext) {
    return asCourse(await this.catalog.removeModule(ctx.viewer, moduleId));
  }

  @Mutation(() => Category)
  async createCategory(@Arg("name", () => String) name: string, @Ctx() ctx: SubgraphContext) {
    return asCategory(await this.catalog.createCategory(ctx.viewer, name));
  }
}
