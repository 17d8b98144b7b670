import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { PARTNER_SCOPES } from "@campus/auth";

export enum PartnerStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
}
registerEnumType(PartnerStatus, { name: "PartnerStatus" });

/** The GraphQL enum is @campus/auth's PARTNER_SCOPES: the one list scopes are added to. */
export const PartnerScope = Object.fromEntries(PARTNER_SCOPES.map((scope) => [scope, scope])) as {
  [S in (typeof PARTNER_SCOPES)[number]]: S;
};
registerEnumType(PartnerScope, {
  name: "PartnerScope",
  description: "What a partner key may read; each root field open to partners names its scope.",
});

@ObjectType({ description: "Requests of one operation on one UTC day." })
export class PartnerUsage {
  @Field(() => String, { description: "YYYY-MM-DD (UTC)" })
  day!: string;

  @Field(() => String)
  operationName!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int, { description: "Requests answered with at least one error." })
  errors!: number;
}

@ObjectType({ description: "A partner calling Campus with an API key and persisted queries (admins only)." })
export class Partner {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  contactEmail!: string;

  @Field(() => PartnerStatus)
  status!: PartnerStatus;

  @Field(() => [PartnerScope])
  scopes!: string[];

  @Field(() => Int)
  requestsPerMinute!: number;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;
}

@ObjectType()
export class PartnerKeyPayload {
  @Field(() => Partner)
  partner!: Partner;

  @Field(() => String, { description: "Shown this once; Campus keeps only its hash." })
  apiKey!: string;
}

@ObjectType()
export class PublishPartnerOperationsPayload {
  @Field(() => Partner)
  partner!: Partner;
}

@InputType()
export class CreatePartnerInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  contactEmail!: string;

  @Field(() => [PartnerScope])
  scopes!: string[];

  @Field(() => Int, { nullable: true, description: "Defaults to PARTNER_DEFAULT_REQUESTS_PER_MINUTE." })
  requestsPerMinute?: number | null;
}
