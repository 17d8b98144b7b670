import { badInput } from "@campus/errors";
import { readableText } from "@campus/subgraph";
import type { CourseLevel } from "../data/catalog.prisma";

export interface MoneyInput {
  amount: number;
  currency: string;
}

export interface CreateCourseInput {
  title: string;
  description: string;
  level: CourseLevel;
  categoryId?: string | null;
  price: MoneyInput;
  capacity?: number | null;
  language?: string | null;
}

/** Absent or null fields stay as they are, except `categoryId`/`capacity` where null clears. */
export interface UpdateCourseInput {
  title?: string | null;
  description?: string | null;
  level?: CourseLevel | null;
  categoryId?: string | null;
  price?: MoneyInput | null;
  capacity?: number | null;
  language?: string | null;
}

export interface AddModuleInput {
  title: string;
  summary?: string | null;
}

const invalid = (field: string, message: string) => badInput(message, { field });

export const courseTitle = (value: string) => readableText(value, { field: "title", min: 3, max: 200 });
export const moduleTitle = (value: string) => readableText(value, { field: "title", min: 1, max: 200 });
export const description = (value: string) =>
  readableText(value, { field: "description", min: 0, max: 10_000, multiline: true });
export const moduleSummary = (value: string) =>
  readableText(value, { field: "summary", min: 0, max: 2_000, multiline: true });
export const categoryName = (value: string) => readableText(value, { field: "name", min: 2, max: 100 });

export function price(value: MoneyInput): MoneyInput {
  if (!Number.isInteger(value.amount) || value.amount < 0) {
    throw invalid("price.amount", "price.amount must be a non-negative integer in minor units");
  }
  if (!/^[A-Z]{3}$/.test(value.currency)) {
    throw invalid("price.currency", "price.currency must be an ISO 4217 code such as EUR");
  }
  return { amount: value.amount, currency: value.currency };
}

export function capacity(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 1)
    throw invalid("capacity", "capacity must be at least 1 (omit it for unlimited)");
  return value;
}

/** A BCP 47 language tag of the simple kind: "en", "pt-BR". */
export function language(value: string): string {
  if (!/^[a-z]{2,3}(-[A-Z]{2})?$/.test(value)) throw invalid("language", "language must be a tag such as en or pt-BR");
  return value;
}

/** Validated column values for a new course (slug and instructor are added by the service). */
export function validateCreate(input: CreateCourseInput) {
  const money = price(input.price);
  return {
    title: courseTitle(input.title),
    description: description(input.description),
    level: input.level,
    categoryId: input.categoryId ?? null,
    priceAmount: money.amount,
    priceCurrency: money.currency,
    capacity: capacity(input.capacity),
    language: language(input.language ?? "en"),
  };
}

export function validateUpdate(input: UpdateCourseInput) {
  const money = input.price ? price(input.price) : undefined;
  return {
    ...(input.title !== undefined && input.title !== null ? { title: courseTitle(input.title) } : {}),
    ...(input.description !== undefined && input.description !== null
      ? { description: description(input.description) }
      : {}),
    ...(input.level ? { level: input.level } : {}),
    ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
    ...(money ? { priceAmount: money.amount, priceCurrency: money.currency } : {}),
    ...(input.capacity !== undefined ? { capacity: capacity(input.capacity) } : {}),
    ...(input.language !== undefined && input.language !== null ? { language: language(input.language) } : {}),
  };
}
