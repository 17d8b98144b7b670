import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { conflict, forbidden, unauthenticated } from "@campus/errors";
import type { CategoryRepository } from "../data/category.repository";
import { isUniqueViolation, type CategoryRow } from "../data/catalog.prisma";
import { categoryName } from "./course.input";
import { slugify } from "./slug";

export class CategoryService {
  constructor(private readonly categories: CategoryRepository) {}

  listCategories(): Promise<CategoryRow[]> {
    return this.categories.all();
  }

  async createCategory(viewer: Viewer, name: string): Promise<CategoryRow> {
    if (!viewer.userId) throw unauthenticated();
    if (!viewerIsAdmin(viewer)) throw forbidden("Only admins can create categories");
    const trimmed = categoryName(name);
    const slug = slugify(trimmed, "category");
    return this.categories.create({ name: trimmed, slug }).catch((error) => {
      throw isUniqueViolation(error) ? conflict(`A category with slug "${slug}" already exists`) : error;
    });
  }
}
