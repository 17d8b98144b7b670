import {
  on,
  subscriptionCanceled,
  subscriptionPastDue,
  subscriptionRenewed,
  subscriptionStarted,
  type HandlerEntry,
} from "@campus/events";
import type { EnrollmentTx } from "../data/enrollment.prisma";
import type { EnrollmentService } from "../service/enrollment.service";

export const SUBSCRIPTION_ACCESS_GROUP = "enrollment.subscription-access";

/**
 * What a subscription grants (docs/commerce.md): while TRIALING or ACTIVE,
 * its user may enroll in paid courses; when it is CANCELED, the enrollments
 * it granted end. Every subscription event carries the status after it.
 */
export function subscriptionAccessHandlers(enrollments: EnrollmentService): HandlerEntry<EnrollmentTx>[] {
  return [
    on(subscriptionStarted, (event, tx, emit) => enrollments.applySubscription(tx, emit, event.data)),
    on(subscriptionRenewed, (event, tx, emit) => enrollments.applySubscription(tx, emit, event.data)),
    on(subscriptionPastDue, (event, tx, emit) => enrollments.applySubscription(tx, emit, event.data)),
    on(subscriptionCanceled, (event, tx, emit) => enrollments.applySubscription(tx, emit, event.data)),
  ];
}
