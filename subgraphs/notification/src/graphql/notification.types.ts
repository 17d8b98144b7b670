import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes, PageInfo } from "@campus/subgraph";
import { KINDS, NotificationKind } from "../service/kinds";

registerEnumType(NotificationKind, {
  name: "NotificationKind",
  description: "What a notification is about (docs/notifications.md).",
  valuesConfig: Object.fromEntries(
    Object.entries(KINDS).map(([kind, spec]) => [
      kind,
      { description: `${spec.trigger}${spec.emailLocked ? "; its email cannot be switched off" : ""}.` },
    ]),
  ),
});

export enum DeliveryStatus {
  QUEUED = "QUEUED",
  SENT = "SENT",
  FAILED = "FAILED",
  BOUNCED = "BOUNCED",
}
registerEnumType(DeliveryStatus, {
  name: "DeliveryStatus",
  valuesConfig: {
    QUEUED: { description: "Waiting to be sent (again, after a failed attempt)." },
    SENT: { description: "Accepted by the mail server (or written to the local sink)." },
    FAILED: { description: "Every attempt failed; lastError says why." },
    BOUNCED: { description: "The mail server refused the recipient for good." },
  },
});

/**
 * Identity owns User; notification names it only by reference (a user is who
 * notifications are for). Declared so the subgraph has an entity, as every
 * subgraph of the kit does.
 */
@ObjectType("User")
@Directive('@key(fields: "id")')
export class UserEntity {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "Something the signed-in user was told in the app." })
export class Notification {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  body!: string;

  @Field(() => String, { description: "A path in the web app to open, e.g. /courses/<id>." })
  link!: string;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  readAt!: Date | null;
}

@ObjectType("NotificationEdge")
export class NotificationEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Notification)
  node!: Notification;
}

@ObjectType({ description: "Newest first." })
export class NotificationConnection {
  @Field(() => [NotificationEdge])
  edges!: NotificationEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Notifications in this list (unread ones only with unreadOnly)." })
  totalCount!: number;

  @Field(() => Int, { description: "All of the user's unread notifications." })
  unreadCount!: number;
}

@ObjectType()
export class MarkNotificationsReadPayload {
  @Field(() => Int)
  unreadCount!: number;
}

@ObjectType({ description: "How the signed-in user is told of one kind." })
export class NotificationPreference {
  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => Boolean)
  inApp!: boolean;

  @Field(() => Boolean, { description: "Always true for SECURITY." })
  email!: boolean;
}

@ObjectType({ description: "One email Campus tried to send, with its delivery state (admins)." })
export class EmailDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  to!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  sentAt!: Date | null;
}

export const { Connection: EmailDeliveryConnection } = connectionTypes(EmailDelivery, "EmailDelivery");
