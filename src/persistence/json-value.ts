/**
 * JSON as repository signatures accept it. Entity columns are typed `unknown` / `Record<string, unknown>`
 * instead, because TypeORM's find and partial-entity types recurse into property types and a recursive
 * type makes the compiler give up (TS2589).
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };
