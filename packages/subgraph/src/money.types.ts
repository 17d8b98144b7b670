import { Directive, Field, InputType, Int, ObjectType } from "type-graphql";

/**
 * Money as every subgraph that speaks of prices says it (catalog, commerce,
 * analytics): one value type, `@shareable`, so composition merges their
 * fields; and the one input shape that sets a price.
 */
@ObjectType({ description: "An amount of money. Shared by catalog and commerce." })
@Directive("@shareable")
export class Money {
  @Field(() => Int, { description: "Minor units (cents); 0 means free." })
  amount!: number;

  @Field(() => String, { description: "ISO 4217 code, e.g. EUR." })
  currency!: string;
}

@InputType()
export class MoneyInput {
  @Field(() => Int, { description: "Minor units (cents)." })
  amount!: number;

  @Field(() => String, { description: "ISO 4217 code, e.g. EUR." })
  currency!: string;
}
