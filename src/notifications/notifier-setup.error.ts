import { InvalidError } from '../errors/domain.error';

/** A notifier that cannot be instantiated (unknown id, missing plugin, invalid options): retrying cannot help. */
export class NotifierSetupError extends InvalidError {}
