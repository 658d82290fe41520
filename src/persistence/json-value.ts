/** JSON as repository signatures accept it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/**
 * JSON as entity properties hold it: any value but undefined, to be narrowed by the reader. Not
 * JsonValue, because TypeORM's find and partial-entity types recurse into property types and a recursive
 * type makes the compiler give up (TS2589); not `unknown`, because TypeORM's insert/update/upsert types
 * reject it.
 */
export type JsonColumnValue = NonNullable<unknown> | null;
