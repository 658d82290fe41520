/** Shorter values are too likely to occur in ordinary text; redacting them would garble messages. */
const MIN_SECRET_LENGTH = 6;

/**
 * Replaces every value that came from ${env:…}/${file:…} in the config with "[redacted]", so an error a
 * plugin builds from a server reply or a URL cannot carry a password or webhook token into logs or /health.
 */
export function redactSecretValues(text: string, secrets: ReadonlySet<string>): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) {
      redacted = redacted.split(secret).join('[redacted]');
    }
  }
  return redacted;
}
