/** Discord's epoch, the first second of 2015 (https://discord.com/developers/docs/reference#snowflakes). */
export const DISCORD_EPOCH_MS = 1_420_070_400_000;

/** The smallest snowflake of a moment: `after=` it lists messages created after that moment. */
export function snowflakeAt(at: Date): string {
  const ms = BigInt(Math.max(0, at.getTime() - DISCORD_EPOCH_MS));
  return (ms << 22n).toString();
}

/** When a snowflake was made. */
export function timeOfSnowflake(id: string): Date {
  return new Date(Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}

/** Snowflakes in order (they are numbers beyond 2^53, so compared as BigInt). */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
