/** A notifier that cannot be instantiated (unknown id, missing plugin, invalid options): retrying cannot help. */
export class NotifierSetupError extends Error {
  override name = 'NotifierSetupError';
}
