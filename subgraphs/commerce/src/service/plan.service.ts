import { randomUUID } from "node:crypto";
import { badInput } from "@campus/errors";
import type { UnitOfWork } from "@campus/events";
import type { BillingRepository } from "../data/billing.repository";
import { BillingWrites } from "../data/billing.writes";
import type { CommerceTx, PlanRow } from "../data/commerce.prisma";
import type { PlanInterval } from "./invoice.rules";

export interface CreatePlanInput {
  name: string;
  description: string;
  interval: PlanInterval;
  price: { amount: number; currency: string };
  trialDays?: number | null;
}

/** The most a plan may cost per period (minor units): a typo guard, not a business rule. */
const MAX_PRICE = 10_000_000;

/** Plans: admins create them (the shield rule), everyone lists the active ones. */
export class PlanService {
  constructor(
    private readonly billing: BillingRepository,
    private readonly work: UnitOfWork<CommerceTx>,
  ) {}

  active(): Promise<PlanRow[]> {
    return this.billing.activePlans();
  }

  create(input: CreatePlanInput): Promise<PlanRow> {
    const plan = validPlan(input);
    return this.work.run((tx) => new BillingWrites(tx).createPlan({ id: randomUUID(), ...plan }));
  }
}

export function validPlan(input: CreatePlanInput) {
  const name = input.name.trim();
  const description = input.description.trim();
  if (name.length < 1 || name.length > 120) throw badInput("`name` must be 1 to 120 characters", { field: "name" });
  if (description.length > 2000) {
    throw badInput("`description` must be at most 2000 characters", { field: "description" });
  }
  const { amount, currency } = input.price;
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_PRICE) {
    throw badInput(`\`price.amount\` must be whole minor units from 1 to ${MAX_PRICE}`, { field: "price.amount" });
  }
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw badInput("`price.currency` must be an ISO 4217 code, e.g. EUR", { field: "price.currency" });
  }
  const trialDays = input.trialDays ?? null;
  if (trialDays !== null && (!Number.isInteger(trialDays) || trialDays < 0 || trialDays > 365)) {
    throw badInput("`trialDays` must be 0 to 365", { field: "trialDays" });
  }
  return {
    name,
    description,
    interval: input.interval,
    priceAmount: amount,
    currency,
    trialDays: trialDays === 0 ? null : trialDays,
  };
}
