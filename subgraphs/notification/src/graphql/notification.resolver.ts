import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import { NotificationKind } from "../service/kinds";
import type { NotificationService } from "../service/notification.service";
import {
  DeliveryStatus,
  EmailDeliveryConnection,
  MarkNotificationsReadPayload,
  NotificationConnection,
  NotificationPreference,
} from "./notification.types";

@Resolver()
export class NotificationResolver {
  constructor(private readonly service: NotificationService) {}

  @Query(() => NotificationConnection, { description: "The signed-in user's notifications, newest first." })
  notifications(
    @Arg("first", () => Int, { nullable: true, description: "0 to 100; 20 when left out." }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("unreadOnly", () => Boolean, { nullable: true, description: "Only unread ones." }) unreadOnly: boolean | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.service.list(ctx.viewer, { first, after, unreadOnly });
  }

  @Mutation(() => MarkNotificationsReadPayload, {
    description:
      "Marks the signed-in user's notifications read: these ids (others' ids change nothing), or all when omitted.",
  })
  markNotificationsRead(@Arg("ids", () => [ID], { nullable: true }) ids: string[] | null, @Ctx() ctx: SubgraphContext) {
    return this.service.markRead(ctx.viewer, ids);
  }

  @Query(() => [NotificationPreference], {
    description: "Every kind, with the signed-in user's choice or its default.",
  })
  notificationPreferences(@Ctx() ctx: SubgraphContext) {
    return this.service.preferences(ctx.viewer);
  }

  @Mutation(() => NotificationPreference, {
    description: "SECURITY emails cannot be switched off: email false for it is BAD_USER_INPUT.",
  })
  setNotificationPreference(
    @Arg("kind", () => NotificationKind) kind: NotificationKind,
    @Arg("inApp", () => Boolean) inApp: boolean,
    @Arg("email", () => Boolean) email: boolean,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.service.setPreference(ctx.viewer, kind, inApp, email);
  }

  @Query(() => EmailDeliveryConnection, { description: "Every email Campus tried to send, newest first (admins)." })
  emailDeliveries(
    @Arg("first", () => Int, { nullable: true, description: "0 to 100; 20 when left out." }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("status", () => DeliveryStatus, { nullable: true }) status: DeliveryStatus | null,
  ) {
    return this.service.emailDeliveries({ first, after, status });
  }
}
